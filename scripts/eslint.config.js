import js from "@eslint/js";
import reactHooks from "eslint-plugin-react-hooks";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["build/**", "node_modules/**", ".data/**", ".cache/**"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ["**/*.{ts,tsx}"],
    plugins: { "react-hooks": reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      "@typescript-eslint/no-explicit-any": "error",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@typescript-eslint/consistent-type-imports": ["error", { fixStyle: "inline-type-imports" }],
      "no-restricted-syntax": [
        "error",
        {
          selector: "CallExpression[callee.property.name='insertInto'][arguments.0.value=/^(journal_entries|journal_lines|ledger_head)$/]",
          message: "Only app/ledger/ledger.server.ts writes ledger rows.",
        },
        {
          selector: "CallExpression[callee.property.name='connection'][arguments.length=0]",
          message: "A query runs on the shared pool (README decision 79): keep session state in a transaction, not in db.connection().",
        },
      ],
    },
  },
  {
    // A promise returned un-awaited inside try escapes its catch: a refusal would become a 500.
    files: ["app/**/*.{ts,tsx}"],
    languageOptions: { parserOptions: { projectService: true } },
    rules: { "@typescript-eslint/return-await": ["error", "in-try-catch"] },
  },
  {
    files: ["app/ledger/ledger.server.ts"],
    rules: { "no-restricted-syntax": "off" },
  },
);
