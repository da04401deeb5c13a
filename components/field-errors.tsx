/**
 * Binds a form's per-field messages to their inputs for assistive technology: `field(key)` marks the input
 * invalid and points aria-describedby at the message that `errorOf(key)` renders (an alert, read out at once).
 */
export function fieldErrorBindings<K extends string>(formId: string, errors: Partial<Record<K, string>>) {
  const messageId = (key: K) => `${formId}-${key}-error`;
  return {
    field: (key: K) => (errors[key] ? { "aria-invalid": true as const, "aria-describedby": messageId(key) } : {}),
    errorOf: (key: K) =>
      errors[key] ? (
        <p id={messageId(key)} role="alert" className="field-error">
          {errors[key]}
        </p>
      ) : null,
  };
}
