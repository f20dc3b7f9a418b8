import { Section, Text } from "@react-email/components";

/** A small table of label → value rows for loan letters. */
export function LoanFacts({ rows }: { rows: { label: string; value: string }[] }) {
  return (
    <Section style={{ backgroundColor: "#f3f4f6", borderRadius: 8, margin: "0 0 16px", padding: "12px 14px" }}>
      {rows.map((row) => (
        <Text key={row.label} style={{ color: "#374151", fontSize: 14, lineHeight: "22px", margin: 0 }}>
          <span style={{ color: "#6b7280" }}>{row.label}</span> · <strong>{row.value}</strong>
        </Text>
      ))}
    </Section>
  );
}
