import js from '@eslint/js';
import prettier from 'eslint-config-prettier/flat';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', '.ferry/', 'coverage/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
  {
    files: ['**/*.ts'],
    extends: [tseslint.configs.recommendedTypeChecked],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      // No exemption needed for async express handlers: @types/express 5 declares a RequestHandler's return as
      // `unknown` (express 5 awaits a returned promise and sends its rejection to the error middleware), so the
      // rule does not flag them. Every other place where a promise goes to a void callback stays checked.
      '@typescript-eslint/no-misused-promises': 'error',
    },
  },
  {
    // Tests read JSON bodies of many shapes; typing each one would add noise, not safety.
    files: ['test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
    },
  },
  {
    // Config is read once, validated and typed (shared/config.ts); everything else is handed its section, so
    // tests can start the whole service in one process with their own settings. Tests, examples and bench may read
    // the environment (test knobs, child processes).
    files: ['{api,worker,shared,local,cli}/**/*.ts'],
    ignores: ['shared/config.ts'],
    rules: {
      'no-restricted-properties': [
        'error',
        { object: 'process', property: 'env', message: 'Only shared/config.ts reads the environment: take a Config.' },
      ],
      'no-restricted-imports': [
        'error',
        {
          paths: [
            { name: 'process', importNames: ['env'], message: 'Only shared/config.ts reads the environment.' },
            { name: 'node:process', importNames: ['env'], message: 'Only shared/config.ts reads the environment.' },
          ],
        },
      ],
    },
  },
  // Last: turns off the stylistic rules that Prettier owns, so the two never disagree about layout.
  prettier,
);
