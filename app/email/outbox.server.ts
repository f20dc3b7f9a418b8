import { sql } from "kysely";
import nodemailer from "nodemailer";
import { emailSubject, isEmailTemplateName, renderEmail, type EmailProps, type EmailTemplateName } from "../../emails/index";
import { toColumnArrays, unnestColumns, type ColumnArrays, type ColumnSpec } from "../utils/column-arrays";
import type { Database, DbOrTx } from "../utils/db.server";
import { preparedQuery } from "../utils/prepared-query.server";
import { MAX_ATTEMPTS, retryDelayMinutes } from "./outbox";

/**
 * Writes the e-mail into the outbox inside the caller's transaction: it is sent if and only if
 * the change it reports commits. Only the template's name and props are stored here; rendering
 * happens when the message is sent or shown, never inside a transaction that holds locks.
 */
export async function enqueueEmail<N extends EmailTemplateName>(db: DbOrTx, to: string, template: N, props: EmailProps<N>): Promise<number> {
  const [id] = await enqueueEmails(db, template, [{ to, props }]);
  if (id === undefined) throw new Error("outbox insert returned nothing");
  return id;
}

/** The same for many messages of one template, in one statement (batch settlement). */
export async function enqueueEmails<N extends EmailTemplateName>(db: DbOrTx, template: N, messages: readonly { to: string; props: EmailProps<N> }[]): Promise<number[]> {
  if (messages.length === 0) return [];
  const rows = await insertMessagesQuery(db, toColumnArrays(MESSAGE_COLUMNS, messages.map(({ to, props }) => ({ to_address: to, template, subject: emailSubject(template, props), props }))));
  return rows.map((r) => r.id);
}

const MESSAGE_COLUMNS = { to_address: "text", template: "text", subject: "text", props: "jsonb" } as const satisfies ColumnSpec;

// One statement text for any number of messages (decision 89).
const insertMessagesQuery = preparedQuery((db, values: ColumnArrays<typeof MESSAGE_COLUMNS>) =>
  db
    .insertInto("email_outbox")
    .columns(Object.keys(MESSAGE_COLUMNS) as (keyof typeof MESSAGE_COLUMNS)[])
    .expression(sql`SELECT * FROM ${unnestColumns(MESSAGE_COLUMNS, values, "messages")}`)
    .returning("id"),
);

export interface RenderedMessage {
  id: number;
  to_address: string;
  template: string;
  subject: string;
  html: string;
  text_body: string;
  created_at: Date;
  sent_at: Date | null;
}

/** The message with its HTML and text, rendered (and kept) the first time it is needed. */
export async function renderOutboxMessage(db: DbOrTx, id: number): Promise<RenderedMessage | undefined> {
  const row = await db
    .selectFrom("email_outbox")
    .select(["id", "to_address", "template", "subject", "props", "html", "text_body", "created_at", "sent_at"])
    .where("id", "=", id)
    .executeTakeFirst();
  if (!row) return undefined;
  if (row.html !== null && row.text_body !== null) return { ...row, html: row.html, text_body: row.text_body };
  if (!isEmailTemplateName(row.template)) throw new Error(`unknown e-mail template ${row.template}`);
  const rendered = await renderEmail(row.template, row.props as EmailProps<typeof row.template>);
  await db.updateTable("email_outbox").set({ html: rendered.html, text_body: rendered.text }).where("id", "=", id).execute();
  return { ...row, html: rendered.html, text_body: rendered.text };
}

export interface MailTransport {
  send(message: { from: string; to: string; subject: string; html: string; text: string; messageId: string }): Promise<void>;
}

/**
 * Delivery is at least once: a process that dies after the SMTP server took a message but before
 * its row is marked sent leaves it to be sent again. Every sending of one outbox row carries the
 * same Message-ID, so mail clients can show it once. The row's creation time keeps the IDs of two
 * installations that share a sender domain apart.
 */
export function outboxMessageId(id: number, createdAt: Date, from: string): string {
  const domain = /@([^\s@>]+)>?\s*$/.exec(from)?.[1] ?? "hamkke-fund.invalid";
  return `<outbox.${id}.${createdAt.getTime()}@${domain}>`;
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
      const claimed = await trx
        .selectFrom("email_outbox")
        .select(["id", "attempts"])
        .where("sent_at", "is", null)
        .where("attempts", "<", MAX_ATTEMPTS)
        .where("next_attempt_at", "<=", now)
        .orderBy("next_attempt_at")
        .orderBy("id")
        .limit(1)
        .forUpdate()
        .skipLocked()
        .executeTakeFirst();
      if (!claimed) return null;
      try {
        const message = await renderOutboxMessage(trx, claimed.id);
        if (!message) return null;
        await transport.send({ from, to: message.to_address, subject: message.subject, html: message.html, text: message.text_body, messageId: outboxMessageId(message.id, message.created_at, from) });
        await trx
          .updateTable("email_outbox")
          .set({ sent_at: new Date(), attempts: claimed.attempts + 1, last_error: null })
          .where("id", "=", claimed.id)
          .execute();
        return true;
      } catch (error) {
        const attempts = claimed.attempts + 1;
        await trx
          .updateTable("email_outbox")
          .set({
            attempts,
            next_attempt_at: new Date(Date.now() + retryDelayMinutes(attempts) * 60_000),
            last_error: error instanceof Error ? error.message.slice(0, 500) : "send failed",
          })
          .where("id", "=", claimed.id)
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

/** The rendered messages to one address with one template, newest first (tests and the dev page). */
export async function renderedEmailsTo(db: DbOrTx, to: string, template: EmailTemplateName): Promise<RenderedMessage[]> {
  const rows = await db.selectFrom("email_outbox").select("id").where("to_address", "=", to).where("template", "=", template).orderBy("id", "desc").execute();
  const messages: RenderedMessage[] = [];
  for (const row of rows) {
    const message = await renderOutboxMessage(db, row.id);
    if (message) messages.push(message);
  }
  return messages;
}
