// @ts-check
import nextPlugin from "@next/eslint-plugin-next";
import reactHooks from "eslint-plugin-react-hooks";
import tseslint from "typescript-eslint";

export default tseslint.config(
  {
    ignores: [
      "node_modules/**",
      ".next/**",
      ".data/**",
      "contracts/out/**",
      "contracts/cache/**",
      "lib/db/generated/**",
      "lib/chain/abi.generated.ts",
      "test-results/**",
      "playwright-report/**",
      "next-env.d.ts",
    ],
  },
  ...tseslint.configs.recommended,
  // React rules only where React runs: Playwright fixtures also call a `use`.
  { files: ["app/**/*.{ts,tsx}", "components/**/*.{ts,tsx}"], ...nextPlugin.configs["core-web-vitals"] },
  { files: ["app/**/*.{ts,tsx}", "components/**/*.{ts,tsx}"], ...reactHooks.configs.flat.recommended },
  {
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@typescript-eslint/consistent-type-imports": ["error", { fixStyle: "inline-type-imports" }],
      "no-console": "off",
    },
  },
);
