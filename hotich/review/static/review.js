// hotich review: zoom and pan on the page image, field boxes tied to the inputs, keyboard
// (Tab: next field, Enter: save, Ctrl+Enter: approve the page and go to the next one),
// saving a field through the JSON API. Text from the server is only ever set with
// textContent or value, never parsed as HTML.
"use strict";

(function () {
  const view = document.querySelector(".pageview");
  if (!view) {
    return;
  }
  const svg = document.getElementById("page-svg");
  const username = view.dataset.username || "";
  const threshold = parseFloat(view.dataset.threshold || "0.9");

  // --- zoom and pan: the SVG's viewBox is the window onto the page ----------------------
  let box = null;
  let full = null;
  if (svg) {
    full = { x: 0, y: 0, w: +svg.dataset.width, h: +svg.dataset.height };
    box = Object.assign({}, full);
  }

  function apply() {
    svg.setAttribute("viewBox", `${box.x} ${box.y} ${box.w} ${box.h}`);
  }

  function toPage(clientX, clientY) {
    const point = svg.createSVGPoint();
    point.x = clientX;
    point.y = clientY;
    return point.matrixTransform(svg.getScreenCTM().inverse());
  }

  function zoom(factor, center) {
    const w = Math.min(full.w, Math.max(full.w / 40, box.w * factor));
    const k = w / box.w;
    const c = center || { x: box.x + box.w / 2, y: box.y + box.h / 2 };
    box.x = c.x - (c.x - box.x) * k;
    box.y = c.y - (c.y - box.y) * k;
    box.w = w;
    box.h = box.h * k;
    apply();
  }

  function fit() {
    box = Object.assign({}, full);
    apply();
  }

  function show(rect) {
    // Pan (and zoom in once) so that the field's box is in view.
    const x = +rect.getAttribute("x");
    const y = +rect.getAttribute("y");
    const w = +rect.getAttribute("width");
    const h = +rect.getAttribute("height");
    if (box.w === full.w) {
      zoom(Math.max(0.35, Math.min(1, (w * 3) / full.w)));
    }
    const inside = x >= box.x && y >= box.y && x + w <= box.x + box.w && y + h <= box.y + box.h;
    if (!inside) {
      box.x = x + w / 2 - box.w / 2;
      box.y = y + h / 2 - box.h / 2;
      apply();
    }
  }

  if (svg) {
    svg.addEventListener(
      "wheel",
      (event) => {
        event.preventDefault();
        zoom(event.deltaY < 0 ? 0.8 : 1.25, toPage(event.clientX, event.clientY));
      },
      { passive: false }
    );
    let drag = null;
    svg.addEventListener("pointerdown", (event) => {
      if (event.target.classList.contains("box")) {
        return;
      }
      drag = { x: event.clientX, y: event.clientY, box: Object.assign({}, box) };
      svg.setPointerCapture(event.pointerId);
      svg.classList.add("dragging");
    });
    svg.addEventListener("pointermove", (event) => {
      if (!drag) {
        return;
      }
      const scale = box.w / svg.getBoundingClientRect().width;
      box.x = drag.box.x - (event.clientX - drag.x) * scale;
      box.y = drag.box.y - (event.clientY - drag.y) * scale;
      apply();
    });
    const stop = () => {
      drag = null;
      svg.classList.remove("dragging");
    };
    svg.addEventListener("pointerup", stop);
    svg.addEventListener("pointercancel", stop);
    document.getElementById("zoom-in").addEventListener("click", () => zoom(0.8));
    document.getElementById("zoom-out").addEventListener("click", () => zoom(1.25));
    document.getElementById("zoom-fit").addEventListener("click", fit);
    for (const rect of svg.querySelectorAll("rect.box")) {
      rect.addEventListener("click", () => {
        const input = document.getElementById(rect.dataset.input);
        if (input) {
          input.focus();
        }
      });
    }
  }

  // --- fields --------------------------------------------------------------------------
  const inputs = Array.from(document.querySelectorAll("input.value"));

  function boxOf(input) {
    return document.getElementById(input.dataset.box || "");
  }

  for (const input of inputs) {
    input.addEventListener("focus", () => {
      const rect = boxOf(input);
      for (const other of document.querySelectorAll("rect.box.active")) {
        other.classList.remove("active");
      }
      if (rect && svg) {
        rect.classList.add("active");
        show(rect);
      }
    });
  }

  function nextInput(input) {
    const editable = inputs.filter((i) => !i.readOnly);
    const at = editable.indexOf(input);
    return at >= 0 && at + 1 < editable.length ? editable[at + 1] : null;
  }

  function setIssues(row, issues) {
    const list = row.querySelector("ul.issues");
    list.replaceChildren();
    for (const issue of issues) {
      const item = document.createElement("li");
      item.dataset.code = issue.code;
      const code = document.createElement("code");
      code.textContent = issue.code;
      item.append(code, " " + issue.message);
      list.append(item);
    }
    row.classList.toggle("flagged", issues.length > 0);
  }

  function setConfidence(row, confidence) {
    const conf = row.querySelector(".conf");
    conf.querySelector("b").textContent = confidence.toFixed(2);
    conf.classList.toggle("low", confidence < threshold);
  }

  function addHistory(entryId, label, before, after) {
    const details = document.getElementById(`history-${entryId}`);
    if (!details) {
      return;
    }
    const item = document.createElement("li");
    const when = document.createElement("time");
    when.textContent = new Date().toISOString().slice(0, 16).replace("T", " ") + " UTC";
    const who = document.createElement("b");
    who.textContent = username;
    const old = document.createElement("q");
    old.textContent = before;
    const now = document.createElement("q");
    now.textContent = after;
    item.append(when, " · ", who, " · ", label + ": ", old, " → ", now);
    details.querySelector("ol").append(item);
    details.open = true;
  }

  async function save(form) {
    const input = form.querySelector("input.value");
    const row = form.closest(".field");
    const entry = form.closest(".entry");
    const error = row.querySelector(".field-error");
    const before = input.defaultValue;
    error.textContent = "";
    input.readOnly = true;
    let answer;
    try {
      answer = await fetch(form.dataset.api, {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", Accept: "application/json" },
        body: JSON.stringify({ value: input.value }),
      });
    } catch (failure) {
      input.readOnly = false;
      error.textContent = String(failure);
      return;
    }
    input.readOnly = false;
    if (answer.status === 401) {
      window.location.assign("/login");
      return;
    }
    const data = await answer.json();
    if (!answer.ok) {
      error.textContent = data.error || String(answer.status);
      return;
    }
    const field = form.dataset.field;
    const saved = data.fields[field];
    input.value = saved.value;
    input.defaultValue = saved.value;
    const wasCorrected = row.classList.contains("corrected");
    if (!(wasCorrected && before === saved.value)) {
      addHistory(entry.dataset.entry, form.dataset.label, before, saved.value);
    }
    row.classList.add("corrected", "saved");
    for (const [name, value] of Object.entries(data.fields)) {
      const other = document.getElementById(`row-${entry.dataset.entry}-${name}`);
      if (other) {
        setIssues(other, value.issues);
        setConfidence(other, value.confidence);
        const rect = document.getElementById(`box-${entry.dataset.entry}-${name}`);
        if (rect) {
          rect.classList.toggle("flagged", value.issues.length > 0);
        }
      }
    }
    const next = nextInput(input);
    if (next) {
      next.focus();
      next.select();
    }
  }

  for (const form of document.querySelectorAll("form.field-form")) {
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      const input = form.querySelector("input.value");
      if (!input.readOnly) {
        save(form);
      }
    });
  }

  // --- keyboard ------------------------------------------------------------------------
  document.addEventListener(
    "keydown",
    (event) => {
      if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
        const approve = document.getElementById("approve-page");
        if (approve) {
          event.preventDefault();
          event.stopPropagation();
          approve.requestSubmit();
        }
        return;
      }
      const typing = event.target instanceof HTMLInputElement;
      if (typing || !svg) {
        return;
      }
      if (event.key === "+" || event.key === "=") {
        zoom(0.8);
      } else if (event.key === "-") {
        zoom(1.25);
      } else if (event.key === "0") {
        fit();
      }
    },
    true
  );

  // Start on the field the last save came back to, else the first field with an issue.
  const target = window.location.hash.startsWith("#f-")
    ? document.getElementById(window.location.hash.slice(1))
    : null;
  const first =
    target ||
    document.querySelector(".field.flagged input.value:not([readonly])") ||
    inputs.find((i) => !i.readOnly);
  if (first) {
    first.focus();
  }
})();
