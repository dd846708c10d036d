// The bell's unread count, refreshed without a reload: every 30 seconds while the page is
// visible, and at once when it becomes visible again. Without JavaScript the count is the one
// the page was served with.
(() => {
  const bell = document.getElementById("nav-bell");
  const badge = document.getElementById("bell-count");
  if (!bell || !badge) return;
  const every = 30000;
  let timer = null;

  async function refresh() {
    try {
      const response = await fetch(bell.dataset.countUrl, { credentials: "same-origin", headers: { Accept: "application/json" } });
      if (!response.ok) return;
      const { unread } = await response.json();
      badge.textContent = unread >= 100 ? "99+" : String(unread);  // counted up to 100
      badge.hidden = unread === 0;
      bell.dataset.unread = String(unread);
    } catch (error) {
      // Offline or signed out: keep the last count; the next tick tries again.
    }
  }

  function schedule() {
    clearInterval(timer);
    timer = document.hidden ? null : setInterval(refresh, every);
  }

  document.addEventListener("visibilitychange", () => {
    if (!document.hidden) refresh();
    schedule();
  });
  schedule();
})();
