// Times in the reader's terms. The server writes every time in UTC inside a <time datetime>
// element, which is what a reader without script sees; this shows a "relative" one as the time
// since ("2 hours ago") with the reader's local date and time on hover, and an "absolute" one
// (a timeline's dates) as the local date and time. Run again every minute, so "just now" ages.
(() => {
  const relative = new Intl.RelativeTimeFormat(undefined, { numeric: "auto" });
  const local = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });
  const units = [
    ["year", 365 * 86400], ["month", 30 * 86400], ["week", 7 * 86400],
    ["day", 86400], ["hour", 3600], ["minute", 60],
  ];
  function show(element) {
    const moment = new Date(element.dateTime);
    if (Number.isNaN(moment.getTime())) return;
    element.dataset.utc ??= element.textContent;
    const localTime = local.format(moment);
    if (element.classList.contains("absolute")) {
      element.textContent = localTime;
      element.title = element.dataset.utc;
      return;
    }
    const seconds = (moment.getTime() - Date.now()) / 1000;
    const [unit, size] = units.find(([, length]) => Math.abs(seconds) >= length) ?? ["second", 1];
    element.textContent = relative.format(Math.round(seconds / size), unit);
    element.title = `${localTime} (${element.dataset.utc})`;
  }
  const update = () => document.querySelectorAll("time[datetime]").forEach(show);
  update();
  setInterval(update, 60_000);
})();
