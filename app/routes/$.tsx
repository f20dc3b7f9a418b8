import { notFound } from "../utils/http.server";

// Unknown addresses render the site's own 404 page.
export function loader() {
  throw notFound();
}

export default function NotFound() {
  return null;
}
