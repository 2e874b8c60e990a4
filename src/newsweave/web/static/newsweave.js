// Citations: a click pins a citation's evidence open (and closes any other); Escape or a click
// elsewhere closes it. Without this script, hovering or focusing a citation still shows it.
document.addEventListener("click", (event) => {
  const cite = event.target.closest("a.cite");
  const open = document.querySelector(".citation.open");
  if (cite) {
    event.preventDefault();
    const citation = cite.closest(".citation");
    if (open && open !== citation) open.classList.remove("open");
    citation.classList.toggle("open");
  } else if (open && !event.target.closest(".evidence")) {
    open.classList.remove("open");
  }
});
document.addEventListener("keydown", (event) => {
  if (event.key === "Escape") document.querySelector(".citation.open")?.classList.remove("open");
});
