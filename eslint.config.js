// ESLint: typescript-eslint's recommended rules, and @stylistic's as the formatter (`npx eslint --fix .`),
// set to the house style: two spaces, single quotes, no semicolons, lines of at most 160 characters.
import js from '@eslint/js'
import stylistic from '@stylistic/eslint-plugin'
import globals from 'globals'
import tseslint from 'typescript-eslint'

export default tseslint.config(
  { ignores: ['dist/', 'bench/.cache/', 'test-results/', '.tap/', 'test/pod/', 'test/fixtures/', 'node_modules/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  stylistic.configs.customize({ indent: 2, quotes: 'single', semi: false, braceStyle: '1tbs', arrowParens: true, commaDangle: 'always-multiline' }),
  {
    languageOptions: { globals: globals.node },
    rules: {
      '@stylistic/max-len': ['error', { code: 160, ignoreUrls: true, ignoreStrings: true, ignoreTemplateLiterals: true, ignoreRegExpLiterals: true }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      '@typescript-eslint/no-unused-expressions': ['error', { allowShortCircuit: true, allowTernary: true }],
      // Control characters are matched on purpose: they are stripped from names, paths and headers.
      'no-control-regex': 'off',
      // An empty catch says "this failure changes nothing"; each one has its reason beside it.
      'no-empty': ['error', { allowEmptyCatch: true }],
      // Packed object literals and one-line functions are the house style; these would explode them.
      '@stylistic/object-curly-newline': 'off',
      '@stylistic/object-property-newline': 'off',
      '@stylistic/max-statements-per-line': 'off',
      '@stylistic/multiline-ternary': 'off',
      '@stylistic/operator-linebreak': 'off',
      '@stylistic/indent-binary-ops': 'off',
      '@stylistic/quote-props': ['error', 'as-needed'],
      '@stylistic/list-style': 'off',
      '@stylistic/quotes': ['error', 'single', { avoidEscape: true }],
      '@stylistic/member-delimiter-style': ['error', { multiline: { delimiter: 'none' }, singleline: { delimiter: 'semi', requireLast: false } }],
    },
  },
  { files: ['public/**/*.js'], languageOptions: { globals: globals.browser } },
)
