"use client";

export default function ErrorPage({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <section aria-labelledby="error-title">
      <h1 id="error-title">Something went wrong</h1>
      <div className="card placeholder">
        <p>This page could not be shown. The service may be starting up or one of its dependencies is down.</p>
        {error.digest ? <p className="muted">Reference: {error.digest}</p> : null}
        <button type="button" className="button" onClick={reset}>
          Try again
        </button>
      </div>
    </section>
  );
}
