// Lint: typescript-eslint's recommended rules, plus the project's own few.
import tseslint from 'typescript-eslint';

const VSCODE = { name: 'vscode', message: 'only src/extension may import vscode: this code runs outside the editor or is shared with a webview' };

export default tseslint.config(
  { ignores: ['dist/**', 'out/**', '.vscode-test/**', 'node_modules/**', 'test-results/**', 'bench/data/**'] },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      eqeqeq: ['error', 'always'],
      'no-restricted-imports': 'off',
    },
  },
  {
    // The ML core, the workers and the prediction service run in plain Node (the CLI, worker threads,
    // their own process), and each contract.ts is shared with a webview or another process: none of
    // them may import the editor API.
    files: ['src/core/**/*.ts', 'src/worker/**/*.ts', 'src/serve/**/*.ts', '**/contract.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: [VSCODE] }] },
  },
  {
    // Features run each other's commands (and VS Code's) through the typed map in commands.ts.
    files: ['src/extension/**/*.ts'],
    ignores: ['src/extension/commands.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: "MemberExpression[object.property.name='commands'][property.name='executeCommand']",
          message: 'run commands through executeCommand of src/extension/commands.ts, whose map types their arguments',
        },
      ],
    },
  },
  {
    // The service's contract is read by the extension too, which must not load the HTTP server.
    files: ['src/serve/contract.ts', 'src/serve/examples.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: [VSCODE, { name: 'fastify', message: 'the service contract is shared with the extension: no fastify' }] }] },
  },
);
