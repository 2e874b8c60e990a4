// Citations. Each citation number opens the passage of its source that supports the sentence,
// in a box beside the number, inside the window at any width:
// - mouse: hovering shows it; the pointer can move from the number into the box (the box stays
//   open for a moment after the pointer leaves, and a strip bridges the gap); a click pins it;
// - keyboard: Tab reaches the number, Enter opens the box, Tab goes on through its links and
//   its close button, Escape closes it and puts focus back on the number;
// - touch: a tap opens it clear of the sentence (below it, else above it), the close button or
//   a tap elsewhere closes it.
// Without this script the stylesheet still shows the box on hover, focus or #evidence-N.
const CITATION_GAP = 6; // px between the number (or the sentence) and its box
const CITATION_MARGIN = 8; // px kept free between the box and the window's edges
const CITATION_GRACE_MS = 300; // how long a hovered box outlasts the pointer leaving it
let openCitation = null;
let closeTimer = 0;

document.documentElement.classList.add("js");

function citationMarker(citation) {
  return citation.querySelector("a.cite");
}

function openCitationBox(citation, pinned) {
  clearTimeout(closeTimer);
  if (openCitation && openCitation !== citation) closeCitationBox(false);
  openCitation = citation;
  citation.classList.add("open");
  citation.classList.toggle("pinned", pinned || citation.classList.contains("pinned"));
  citationMarker(citation).setAttribute("aria-expanded", "true");
  addCloseButton(citation.querySelector(".evidence"));
  placeCitationBox(citation);
}

function closeCitationBox(refocus) {
  clearTimeout(closeTimer);
  const citation = openCitation;
  if (!citation) return;
  openCitation = null;
  citation.classList.remove("open", "pinned");
  citationMarker(citation).setAttribute("aria-expanded", "false");
  if (refocus) citationMarker(citation).focus();
}

function addCloseButton(box) {
  if (box.querySelector(".evidence-close")) return;
  const button = document.createElement("button");
  button.type = "button";
  button.className = "evidence-close";
  button.setAttribute("aria-label", "Close");
  button.textContent = "×";
  box.append(button);
}

// A hovered box goes below its number, else above it: next to the pointer. A pinned box (a
// click, a tap, Enter) goes below its whole sentence, else above it, never over it. When
// neither fits, the window scrolls to make room below. Left and right, the box starts near the
// number and is moved in to stay inside the window.
function placeCitationBox(citation) {
  const box = citation.querySelector(".evidence");
  const width = document.documentElement.clientWidth;
  const height = document.documentElement.clientHeight;
  box.classList.remove("above", "scrolls");
  box.style.left = "0px";
  box.style.top = "0px";
  box.style.maxWidth = `${width - 2 * CITATION_MARGIN}px`;
  box.style.maxHeight = `${height - 2 * CITATION_MARGIN}px`;
  box.classList.toggle("scrolls", box.scrollHeight > box.clientHeight);
  let origin = box.getBoundingClientRect(); // where left 0, top 0 put it
  const mark = citationMarker(citation).getBoundingClientRect();
  const pinned = citation.classList.contains("pinned");
  const sentence = pinned ? (citation.closest(".sentence") ?? citation) : citationMarker(citation);
  const span = sentence.getBoundingClientRect();
  let below = Math.max(mark.bottom, span.bottom) + CITATION_GAP;
  let top;
  let above = true;
  if (below + origin.height <= height - CITATION_MARGIN) {
    top = below;
    above = false;
  } else if (span.top - CITATION_GAP - origin.height >= CITATION_MARGIN) {
    top = span.top - CITATION_GAP - origin.height;
  } else {
    above = false;
    window.scrollBy(0, below + origin.height - (height - CITATION_MARGIN));
    const moved = box.getBoundingClientRect().top - origin.top;
    origin = box.getBoundingClientRect();
    below += moved;
    top = Math.max(CITATION_MARGIN, Math.min(below, height - CITATION_MARGIN - origin.height));
  }
  box.classList.toggle("above", above);
  const left = Math.min(
    Math.max(mark.left - 12, CITATION_MARGIN),
    width - CITATION_MARGIN - origin.width,
  );
  box.style.left = `${left - origin.left}px`;
  box.style.top = `${top - origin.top}px`;
}

for (const citation of document.querySelectorAll(".citation")) {
  citationMarker(citation).setAttribute("aria-expanded", "false");
  citation.addEventListener("pointerenter", (event) => {
    const pinnedElsewhere = openCitation?.classList.contains("pinned") && openCitation !== citation;
    if (event.pointerType === "mouse" && !pinnedElsewhere) openCitationBox(citation, false);
  });
  citation.addEventListener("pointerleave", (event) => {
    if (event.pointerType !== "mouse" || citation.classList.contains("pinned")) return;
    closeTimer = setTimeout(() => {
      if (openCitation === citation) closeCitationBox(false);
    }, CITATION_GRACE_MS);
  });
}

document.addEventListener("click", (event) => {
  const marker = event.target.closest("a.cite");
  if (marker) {
    event.preventDefault();
    const citation = marker.closest(".citation");
    if (openCitation === citation && citation.classList.contains("pinned")) {
      closeCitationBox(false);
    } else {
      openCitationBox(citation, true);
    }
  } else if (event.target.closest(".evidence-close")) {
    closeCitationBox(true);
  } else if (event.target.closest(".evidence a")) {
    closeCitationBox(false); // the link is followed: to the source list, or away
  } else if (openCitation && !openCitation.contains(event.target)) {
    closeCitationBox(false);
  }
});

document.addEventListener("keydown", (event) => {
  if (event.key !== "Escape" || !openCitation) return;
  closeCitationBox(openCitation.contains(document.activeElement));
});

// Focus moving on from an open box (Tab past its last link) closes it.
document.addEventListener("focusout", (event) => {
  const next = event.relatedTarget;
  if (openCitation && next && openCitation.contains(event.target) && !openCitation.contains(next)) {
    closeCitationBox(false);
  }
});

window.addEventListener("resize", () => {
  if (openCitation) placeCitationBox(openCitation);
});

// A link to #evidence-N opens that citation's box.
const targeted = location.hash.startsWith("#evidence-")
  ? document.getElementById(location.hash.slice(1))?.closest(".citation")
  : null;
if (targeted) openCitationBox(targeted, true);
