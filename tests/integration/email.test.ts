import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSmtpTransport, deliverPendingEmails, enqueueEmail, outboxMessageId, renderedEmailsTo, type MailTransport } from "../../app/email/outbox.server";
import { startFakeSmtp } from "../fakes/smtp-server";
import { createTestDatabase, type TestDatabase } from "../support/db";

let t: TestDatabase;

beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => {
  await t.drop();
});

describe("e-mail", () => {
  it("renders the React Email templates in both languages", async () => {
    await enqueueEmail(t.db, "ko@example.com", "passwordReset", { locale: "ko", displayName: "김시민", resetUrl: "http://localhost:3000/reset-password?token=abc" });
    await enqueueEmail(t.db, "en@example.com", "passwordReset", { locale: "en", displayName: "Kim", resetUrl: "http://localhost:3000/reset-password?token=abc" });
    const stored = await t.db.selectFrom("email_outbox").select(["subject", "html"]).orderBy("id").execute();
    // Only the template and props are written with the change; rendering waits for the sender.
    expect(stored.map((r) => r.html)).toEqual([null, null]);
    const [ko] = await renderedEmailsTo(t.db, "ko@example.com", "passwordReset");
    const [en] = await renderedEmailsTo(t.db, "en@example.com", "passwordReset");
    expect(ko?.subject).toBe("비밀번호 재설정 안내");
    expect(ko?.html).toContain('lang="ko"');
    expect(ko?.text_body).toContain("http://localhost:3000/reset-password?token=abc");
    expect(en?.subject).toBe("Reset your password");
  });

  it("delivers the outbox through SMTP once, retrying a temporary failure", async () => {
    const smtp = await startFakeSmtp({ failFirst: 1 });
    try {
      const transport = createSmtpTransport(smtp.url);
      const first = await deliverPendingEmails(t.db, transport, "함께펀드 <no-reply@hamkke.local>");
      // The first message met the temporary failure and waits its back-off; the second went through.
      expect(first).toBe(1);
      expect(await deliverPendingEmails(t.db, transport, "함께펀드 <no-reply@hamkke.local>")).toBe(0);
      const failed = await t.db.selectFrom("email_outbox").select(["id", "attempts", "last_error"]).where("sent_at", "is", null).executeTakeFirstOrThrow();
      expect(failed.attempts).toBe(1);
      expect(failed.last_error).toContain("temporary failure");
      await t.owner.updateTable("email_outbox").set({ next_attempt_at: new Date(0) }).where("id", "=", failed.id).execute();
      expect(await deliverPendingEmails(t.db, transport, "함께펀드 <no-reply@hamkke.local>")).toBe(1);
      expect(smtp.received.map((m) => m.to[0]).sort()).toEqual(["en@example.com", "ko@example.com"]);
      expect(smtp.received.find((m) => m.to[0] === "ko@example.com")?.raw).toContain("Subject: =?UTF-8?");
      const pending = await t.db.selectFrom("email_outbox").select("id").where("sent_at", "is", null).execute();
      expect(pending).toEqual([]);
    } finally {
      await smtp.close();
    }
  });

  it("sends a message again with the same Message-ID when its sending was not recorded", async () => {
    const from = "함께펀드 <no-reply@hamkke.local>";
    const ids = [
      await enqueueEmail(t.db, "again@example.com", "welcome", { locale: "ko", displayName: "다시", homeUrl: "http://localhost:3000" }),
      await enqueueEmail(t.db, "once@example.com", "welcome", { locale: "en", displayName: "Once", homeUrl: "http://localhost:3000" }),
    ];
    const smtp = await startFakeSmtp();
    try {
      const smtpTransport = createSmtpTransport(smtp.url);
      let lostAnswers = 1;
      // The SMTP server takes the first message, but the sender never learns it (the process
      // dies, or the connection drops before the reply): the row stays unsent.
      const transport: MailTransport = {
        send: async (message) => {
          await smtpTransport.send(message);
          if (lostAnswers-- > 0) throw new Error("connection lost after the message was taken");
        },
      };
      expect(await deliverPendingEmails(t.db, transport, from)).toBe(1);
      await t.owner.updateTable("email_outbox").set({ next_attempt_at: new Date(0) }).where("id", "in", ids).where("sent_at", "is", null).execute();
      expect(await deliverPendingEmails(t.db, transport, from)).toBe(1);

      const rows = await t.db.selectFrom("email_outbox").select(["id", "created_at", "sent_at"]).where("id", "in", ids).orderBy("id").execute();
      expect(rows.every((r) => r.sent_at !== null)).toBe(true);
      const expected = rows.map((r) => outboxMessageId(r.id, r.created_at, from));
      expect(expected[0]).toMatch(/^<outbox\.\d+\.\d+@hamkke\.local>$/);
      // The first pass sends both (the first without knowing it), the second sends the first again.
      expect(smtp.received.map((m) => m.to[0])).toEqual(["again@example.com", "once@example.com", "again@example.com"]);
      expect(smtp.received.map((m) => m.messageId)).toEqual([expected[0], expected[1], expected[0]]);
      expect(expected[0]).not.toBe(expected[1]);
    } finally {
      await smtp.close();
    }
  });

  it("never sends a message twice when two workers deliver at once", async () => {
    for (let i = 0; i < 10; i++) {
      await enqueueEmail(t.db, `parallel${i}@example.com`, "welcome", { locale: "ko", displayName: `시민${i}`, homeUrl: "http://localhost:3000" });
    }
    const smtp = await startFakeSmtp();
    try {
      const transport = createSmtpTransport(smtp.url);
      const sent = await Promise.all([deliverPendingEmails(t.db, transport, "a@b.kr"), deliverPendingEmails(t.db, transport, "a@b.kr")]);
      expect(sent[0] + sent[1]).toBe(10);
      expect(smtp.received).toHaveLength(10);
    } finally {
      await smtp.close();
    }
  });
});
