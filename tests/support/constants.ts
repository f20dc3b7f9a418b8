export const TEMPLATE_DATABASE = "hamkke_template";
