// Lint: neostandard (the style this code is written in) with TypeScript, plus the type-aware
// rules that catch real mistakes: an un-awaited promise (a t.test that never runs to the end).
// src is typed by tsconfig.json; tests and benchmarks by tsconfig.test.json (which includes src);
// the browser code of src/workbench by tsconfig.workbench.json.
import neostandard from 'neostandard'
import tseslint from 'typescript-eslint'

const typeAwareRules = {
  '@typescript-eslint/no-floating-promises': 'error',
  '@typescript-eslint/switch-exhaustiveness-check': 'error',
  '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }]
}

export default [
  ...neostandard({ ts: true, ignores: ['dist/**', 'coverage/**', '.tap/**', 'node_modules/**'] }),
  {
    // Lines wrap at 120; long string, template and regexp literals (messages, data) and URLs may run on.
    rules: {
      '@stylistic/max-len': ['error', {
        code: 120,
        ignoreUrls: true,
        ignoreStrings: true,
        ignoreTemplateLiterals: true,
        ignoreRegExpLiterals: true
      }],
      // Type members as written here: commas on one line, none when each member has its own line.
      '@stylistic/member-delimiter-style': ['error', {
        multiline: { delimiter: 'none' },
        singleline: { delimiter: 'comma', requireLast: false }
      }]
    }
  },
  {
    files: ['src/**/*.ts'],
    ignores: ['src/workbench/**'],
    languageOptions: { parserOptions: { project: './tsconfig.json', tsconfigRootDir: import.meta.dirname } },
    plugins: { '@typescript-eslint': tseslint.plugin },
    rules: typeAwareRules
  },
  {
    files: ['test/**/*.ts', 'bench/**/*.ts'],
    languageOptions: { parserOptions: { project: './tsconfig.test.json', tsconfigRootDir: import.meta.dirname } },
    plugins: { '@typescript-eslint': tseslint.plugin },
    rules: typeAwareRules
  },
  {
    // The workbench runs in the browser: typed with the DOM by tsconfig.workbench.json.
    files: ['src/workbench/**/*.ts'],
    languageOptions: { parserOptions: { project: './tsconfig.workbench.json', tsconfigRootDir: import.meta.dirname } },
    plugins: { '@typescript-eslint': tseslint.plugin },
    rules: typeAwareRules
  }
]
