import nodemailer from "nodemailer";
import { renderEmail, type EmailProps, type EmailTemplateName } from "../../emails/index";
import type { Database, DbOrTx } from "../utils/db.server";
import { MAX_ATTEMPTS, retryDelayMinutes } from "./outbox";

/**
 * Writes the e-mail into the outbox inside the caller's transaction: it is sent if and only if
 * the change it reports commits. Without SMTP the outbox is where mail stays (the dev outbox page).
 */
export async function enqueueEmail<N extends EmailTemplateName>(
  db: DbOrTx,
  to: string,
  template: N,
  props: EmailProps<N>,
): Promise<number> {
  const rendered = await renderEmail(template, props);
  const row = await db
    .insertInto("email_outbox")
    .values({ to_address: to, template, subject: rendered.subject, html: rendered.html, text_body: rendered.text })
    .returning("id")
    .executeTakeFirstOrThrow();
  return row.id;
}

export interface MailTransport {
  send(message: { from: string; to: string; subject: string; html: string; text: string }): Promise<void>;
}

export function createSmtpTransport(smtpUrl: string): MailTransport {
  const transporter = nodemailer.createTransport(smtpUrl);
  return {
    send: async (message) => {
      await transporter.sendMail(message);
    },
  };
}


/**
 * Sends what is due; safe on several workers at once (rows are claimed with SKIP LOCKED).
 * A failed message waits with exponential back-off and is not retried within the same pass.
 */
export async function deliverPendingEmails(db: Database, transport: MailTransport, from: string, batch = 20): Promise<number> {
  let sent = 0;
  const now = new Date();
  for (let i = 0; i < batch; i++) {
    const delivered = await db.transaction().execute(async (trx) => {
      const message = await trx
        .selectFrom("email_outbox")
        .select(["id", "to_address", "subject", "html", "text_body", "attempts"])
        .where("sent_at", "is", null)
        .where("attempts", "<", MAX_ATTEMPTS)
        .where("next_attempt_at", "<=", now)
        .orderBy("next_attempt_at")
        .orderBy("id")
        .limit(1)
        .forUpdate()
        .skipLocked()
        .executeTakeFirst();
      if (!message) return null;
      try {
        await transport.send({ from, to: message.to_address, subject: message.subject, html: message.html, text: message.text_body });
        await trx
          .updateTable("email_outbox")
          .set({ sent_at: new Date(), attempts: message.attempts + 1, last_error: null })
          .where("id", "=", message.id)
          .execute();
        return true;
      } catch (error) {
        const attempts = message.attempts + 1;
        await trx
          .updateTable("email_outbox")
          .set({
            attempts,
            next_attempt_at: new Date(Date.now() + retryDelayMinutes(attempts) * 60_000),
            last_error: error instanceof Error ? error.message.slice(0, 500) : "send failed",
          })
          .where("id", "=", message.id)
          .execute();
        return false;
      }
    });
    if (delivered === null) break;
    if (delivered) sent += 1;
  }
  return sent;
}

export async function listOutbox(db: DbOrTx, options: { to?: string; limit: number }) {
  let query = db
    .selectFrom("email_outbox")
    .select(["id", "to_address", "template", "subject", "created_at", "sent_at"])
    .orderBy("id", "desc")
    .limit(options.limit);
  if (options.to) query = query.where("to_address", "=", options.to.toLowerCase());
  return query.execute();
}

export async function getOutboxMessage(db: DbOrTx, id: number) {
  return db
    .selectFrom("email_outbox")
    .select(["id", "to_address", "template", "subject", "html", "text_body", "created_at", "sent_at"])
    .where("id", "=", id)
    .executeTakeFirst();
}
