import js from '@eslint/js'
import tseslint from 'typescript-eslint'
import globals from 'globals'

export default tseslint.config(
  { ignores: ['dist/**', 'lib/**', 'node_modules/**', 'coverage/**', '.tmp/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'error'
    }
  },
  {
    // Every log line passes src/log/actionsLog.ts, which escapes workflow commands out of data (issue 16).
    files: ['src/**/*.ts'],
    ignores: ['src/log/actionsLog.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector:
            "CallExpression[callee.object.name='core'][callee.property.name=/^(info|debug|warning|notice|error|startGroup|endGroup|group|setFailed)$/]",
          message:
            'Log through actionsLog (src/log/actionsLog.ts): it keeps data from issuing workflow commands.'
        }
      ]
    }
  }
)
