import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default defineConfig(
  { ignores: ['dist/', 'dist-tools/', 'coverage/', '.data/'] },
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    languageOptions: { globals: globals.node },
    rules: {
      // `const { secret: _secret, ...rest } = value` is how a field is left out of a copy.
      '@typescript-eslint/no-unused-vars': ['error', { ignoreRestSiblings: true, argsIgnorePattern: '^_' }],
    },
  },
  {
    // The operator console's front end runs in the browser.
    files: ['web/**/*.ts'],
    languageOptions: { globals: globals.browser },
  },
  {
    // Tests and the demo read JSON from HTTP bodies and CLI output by path; a wrong path fails the check that reads it.
    files: ['test/**/*.ts', 'tools/demo/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
);
