import { useMessages } from "../i18n/use-messages";
import { POLICY_EFFECTIVE_DATE } from "../privacy/consents";
import { titled } from "../utils/meta";

export const meta = titled((m) => m.privacy.policy.title);

/** 개인정보처리방침: the privacy policy, in the visitor's language (linked from every page's footer). */
export default function PrivacyPolicy() {
  const m = useMessages();
  const p = m.privacy.policy;
  return (
    <div className="container page">
      <article className="card prose policy" data-testid="privacy-policy">
        <h1>{p.title}</h1>
        <p className="muted">{p.effective(POLICY_EFFECTIVE_DATE)}</p>
        <p>{p.intro}</p>
        {p.sections.map((section) => (
          <section key={section.heading}>
            <h2>{section.heading}</h2>
            {section.paragraphs.map((paragraph) => (
              <p key={paragraph}>{paragraph}</p>
            ))}
            {section.list ? (
              <ul>
                {section.list.map((item) => (
                  <li key={item}>{item}</li>
                ))}
              </ul>
            ) : null}
          </section>
        ))}
      </article>
    </div>
  );
}
