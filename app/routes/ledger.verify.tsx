import { useMessages } from "../i18n/use-messages";
import { titled } from "../utils/meta";

export const meta = titled((m) => m.ledger.verifyTitle);

export default function VerifyGuide() {
  const m = useMessages();
  return (
    <div className="container page">
      <div className="card" style={{ maxWidth: 760, margin: "0 auto" }}>
        <h1>{m.ledger.verifyTitle}</h1>
        <p>{m.ledger.verifyIntro}</p>
        <ol>
          {m.ledger.verifySteps.map((step) => (
            <li key={step}>{step}</li>
          ))}
        </ol>
        <p>{m.ledger.verifyCommand}</p>
        <pre style={{ background: "#0b1f1d", color: "#d1fae5", padding: 16, borderRadius: 10, overflowX: "auto" }}>npm run ledger:verify</pre>
      </div>
    </div>
  );
}
