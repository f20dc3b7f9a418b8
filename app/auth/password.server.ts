import { hash, verify } from "@node-rs/argon2";

// argon2id with the library's defaults (19 MiB, 2 passes): OWASP's recommended minimum.
export function hashPassword(password: string): Promise<string> {
  return hash(password);
}

export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, password);
  } catch {
    return false;
  }
}

// Checked against when the e-mail is unknown, so timing does not reveal which accounts exist.
const decoyHash = hash("decoy-password-for-timing");

export async function verifyAgainstDecoy(password: string): Promise<false> {
  await verify(await decoyHash, password).catch(() => false);
  return false;
}
