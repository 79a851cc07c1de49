// Charts drawn as SVG by our own code. Each chart has a text title and description
// for screen readers; the views also show the same figures in tables.
import {s, fmtDate, fmtNum, words} from "./dom.js";
import {t} from "./i18n.js";

function chartRoot(width, height, label) {
  const svg = s("svg", {viewBox: `0 0 ${width} ${height}`, role: "img",
    "aria-label": label, class: "chart", preserveAspectRatio: "xMinYMin meet"});
  svg.appendChild(s("title", {}, label));
  return svg;
}

// text cut to fit about width Latin letters: a wide (CJK) character counts as two.
function clip(text, width) {
  let used = 0;
  let out = "";
  for (const ch of text) {
    used += /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/.test(ch) ? 2 : 1;
    if (used > width) return `${out}…`;
    out += ch;
  }
  return out;
}

// Factor scores (0..100) as horizontal bars. factors: [{name, score, weight, kind,
// has_data, disputed}].
export function factorChart(factors, label) {
  const rowH = 30;
  const left = 230;
  const barW = 300;
  const height = factors.length * rowH + 30;
  const svg = chartRoot(left + barW + 70, height, label);
  [0, 50, 100].forEach((t) => {
    const x = left + (t / 100) * barW;
    svg.appendChild(s("line", {x1: x, x2: x, y1: 4, y2: height - 24, class: "grid"}));
    svg.appendChild(s("text", {x, y: height - 8, class: "axis", "text-anchor": "middle"}, String(t)));
  });
  factors.forEach((f, i) => {
    const y = i * rowH + 6;
    const score = f.has_data ? Math.max(0, Math.min(100, f.score)) : 0;
    svg.appendChild(s("text", {x: left - 8, y: y + 15, class: "label", "text-anchor": "end"},
      clip(f.name, 32)));
    svg.appendChild(s("rect", {x: left, y, width: barW, height: 20, class: "track"}));
    svg.appendChild(s("rect", {x: left, y, width: (score / 100) * barW, height: 20,
      class: `bar${f.disputed ? " disputed" : ""}${f.kind === "bonus" ? " bonus" : ""}`}));
    const text = !f.has_data ? t("no data") : f.kind === "bonus" ? `+${fmtNum(f.score)}` : fmtNum(f.score);
    svg.appendChild(s("text", {x: left + barW + 6, y: y + 15, class: "value"},
      f.disputed ? `${text} ⚑` : text));
  });
  return svg;
}

const REASON_MARK = {correction: "correction", methodology_change: "methodology"};

// Score history as a line, oldest first; corrections and methodology changes are
// marked, and so is each methodology version's effective date inside the period.
// items: [{as_of, score, reason, grade}], versions: [{version, effective_at}].
export function historyChart(items, versions, label) {
  const width = 640;
  const height = 260;
  const pad = {l: 40, r: 16, t: 16, b: 56};
  const svg = chartRoot(width, height, label);
  const points = items.filter((i) => i.as_of).map((i) => ({...i, t: Date.parse(i.as_of)}));
  if (points.length === 0) return svg;
  let t0 = Math.min(...points.map((p) => p.t));
  let t1 = Math.max(...points.map((p) => p.t));
  if (t1 - t0 < 86400000) {
    t0 -= 15 * 86400000;
    t1 += 15 * 86400000;
  }
  const x = (t) => pad.l + ((t - t0) / (t1 - t0)) * (width - pad.l - pad.r);
  const y = (v) => pad.t + (1 - v / 100) * (height - pad.t - pad.b);
  [0, 25, 50, 75, 100].forEach((v) => {
    svg.appendChild(s("line", {x1: pad.l, x2: width - pad.r, y1: y(v), y2: y(v), class: "grid"}));
    svg.appendChild(s("text", {x: pad.l - 6, y: y(v) + 4, class: "axis", "text-anchor": "end"}, String(v)));
  });
  svg.appendChild(s("text", {x: pad.l, y: height - 34, class: "axis"}, fmtDate(new Date(t0).toISOString())));
  svg.appendChild(s("text", {x: width - pad.r, y: height - 34, class: "axis", "text-anchor": "end"},
    fmtDate(new Date(t1).toISOString())));
  (versions || []).forEach((v) => {
    const t = Date.parse(v.effective_at);
    if (!(t > t0 && t <= t1)) return;
    svg.appendChild(s("line", {x1: x(t), x2: x(t), y1: pad.t, y2: height - pad.b, class: "version-line"}));
    svg.appendChild(s("text", {x: x(t) + 3, y: pad.t + 10, class: "axis"}, t("methodology {version}", {version: v.version})));
  });
  const rated = points.filter((p) => p.score !== null && p.score !== undefined);
  if (rated.length > 1) {
    svg.appendChild(s("polyline", {class: "line",
      points: rated.map((p) => `${x(p.t).toFixed(1)},${y(p.score).toFixed(1)}`).join(" ")}));
  }
  rated.forEach((p) => {
    const cx = x(p.t);
    const cy = y(p.score);
    const mark = REASON_MARK[p.reason];
    const tip = s("title", {}, `${fmtDate(p.as_of)}: ${fmtNum(p.score)} (${p.grade}), ${words(p.reason)}`);
    let m;
    if (mark === "correction") {
      m = s("path", {d: `M${cx} ${cy - 7}L${cx + 7} ${cy}L${cx} ${cy + 7}L${cx - 7} ${cy}Z`, class: "mark-correction"});
    } else if (mark === "methodology") {
      m = s("rect", {x: cx - 6, y: cy - 6, width: 12, height: 12, class: "mark-methodology"});
    } else {
      m = s("circle", {cx, cy, r: 4, class: "point"});
    }
    m.appendChild(tip);
    svg.appendChild(m);
  });
  const ly = height - 12;
  svg.appendChild(s("circle", {cx: pad.l + 4, cy: ly - 4, r: 4, class: "point"}));
  svg.appendChild(s("text", {x: pad.l + 12, y: ly, class: "axis"}, t("rating")));
  svg.appendChild(s("path", {d: `M${pad.l + 84} ${ly - 11}L${pad.l + 91} ${ly - 4}L${pad.l + 84} ${ly + 3}L${pad.l + 77} ${ly - 4}Z`, class: "mark-correction"}));
  svg.appendChild(s("text", {x: pad.l + 96, y: ly, class: "axis"}, t("correction")));
  svg.appendChild(s("rect", {x: pad.l + 180, y: ly - 10, width: 12, height: 12, class: "mark-methodology"}));
  svg.appendChild(s("text", {x: pad.l + 198, y: ly, class: "axis"}, t("methodology change")));
  return svg;
}

// Vertical bars. bins: [{label, value}]; highlight: the index to mark (or -1).
export function barHistogram(bins, highlight, label, yLabel) {
  const width = 640;
  const height = 240;
  const pad = {l: 40, r: 10, t: 14, b: 46};
  const svg = chartRoot(width, height, label);
  const max = Math.max(1, ...bins.map((b) => b.value));
  const bw = (width - pad.l - pad.r) / Math.max(1, bins.length);
  const y = (v) => pad.t + (1 - v / max) * (height - pad.t - pad.b);
  svg.appendChild(s("line", {x1: pad.l, x2: width - pad.r, y1: y(0), y2: y(0), class: "grid"}));
  svg.appendChild(s("text", {x: pad.l - 6, y: y(max) + 4, class: "axis", "text-anchor": "end"}, String(max)));
  svg.appendChild(s("text", {x: pad.l - 6, y: y(0), class: "axis", "text-anchor": "end"}, "0"));
  bins.forEach((b, i) => {
    const bx = pad.l + i * bw;
    const rect = s("rect", {x: bx + 2, y: y(b.value), width: Math.max(1, bw - 4),
      height: y(0) - y(b.value), class: i === highlight ? "bar highlight" : "bar"});
    rect.appendChild(s("title", {}, `${b.label}: ${b.value}`));
    svg.appendChild(rect);
    if (b.value > 0) {
      svg.appendChild(s("text", {x: bx + bw / 2, y: y(b.value) - 3, class: "value", "text-anchor": "middle"}, String(b.value)));
    }
    svg.appendChild(s("text", {x: bx + bw / 2, y: height - pad.b + 16, class: "axis small",
      "text-anchor": "middle"}, b.label));
  });
  if (yLabel) svg.appendChild(s("text", {x: pad.l, y: height - 6, class: "axis"}, yLabel));
  return svg;
}

// A plan to a target as a staircase: the score now, then the score after each step
// (a step of fixes that only help together is drawn dashed), and the target as a
// line. plan: GET /v1/me/plan's answer.
export function planChart(plan, label) {
  const width = 640;
  const height = 240;
  const pad = {l: 40, r: 16, t: 14, b: 40};
  const svg = chartRoot(width, height, label);
  const scores = [plan.start.score, ...plan.steps.map((st) => st.score_after)];
  const lo = Math.max(0, Math.floor(Math.min(...scores, plan.target.score) / 10) * 10 - 10);
  const hi = Math.min(100, Math.ceil(Math.max(...scores, plan.target.score) / 10) * 10);
  const n = Math.max(1, plan.steps.length);
  const x = (i) => pad.l + (i / n) * (width - pad.l - pad.r);
  const y = (v) => pad.t + (1 - (v - lo) / Math.max(1, hi - lo)) * (height - pad.t - pad.b);
  for (let v = lo; v <= hi; v += 10) {
    svg.appendChild(s("line", {x1: pad.l, x2: width - pad.r, y1: y(v), y2: y(v), class: "grid"}));
    svg.appendChild(s("text", {x: pad.l - 6, y: y(v) + 4, class: "axis", "text-anchor": "end"}, String(v)));
  }
  svg.appendChild(s("line", {x1: pad.l, x2: width - pad.r, y1: y(plan.target.score),
    y2: y(plan.target.score), class: "target-line"}));
  svg.appendChild(s("text", {x: width - pad.r, y: y(plan.target.score) - 4, class: "axis", "text-anchor": "end"},
    t("target {score}", {score: fmtNum(plan.target.score)}) + (plan.target.grade ? ` (${plan.target.grade})` : "")));
  plan.steps.forEach((st, i) => {
    const before = i === 0 ? plan.start.score : plan.steps[i - 1].score_after;
    const seg = s("path", {d: `M${x(i)} ${y(before)}H${x(i + 1)}V${y(st.score_after)}`,
      class: st.together ? "step together" : "step"});
    seg.appendChild(s("title", {}, t("step {n}: +{gain} to {score} ({grade})", {n: st.step, gain: fmtNum(st.gain, 2),
      score: fmtNum(st.score_after), grade: st.grade_after})));
    svg.appendChild(seg);
  });
  if (plan.steps.length === 0) {
    svg.appendChild(s("line", {x1: pad.l, x2: width - pad.r, y1: y(plan.start.score),
      y2: y(plan.start.score), class: "step"}));
  }
  svg.appendChild(s("text", {x: pad.l, y: height - 10, class: "axis"}, t("steps, in order →")));
  return svg;
}

// The Wilson score interval (95%) of k events in n trials, as [low, high] fractions.
export function wilson(k, n) {
  if (n <= 0) return [0, 0];
  const z = 1.96;
  const p = k / n;
  const d = 1 + (z * z) / n;
  const centre = (p + (z * z) / (2 * n)) / d;
  const half = (z * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n))) / d;
  return [Math.max(0, centre - half), Math.min(1, centre + half)];
}

// Rates with their 95% intervals as bars with whiskers: groups [{label, k, n}] (k of
// n had the event). A rate is what can be compared between groups of different sizes;
// a count would make the largest group look riskiest.
export function rateChart(groups, label, yLabel) {
  const width = 640;
  const height = 240;
  const pad = {l: 44, r: 10, t: 14, b: 46};
  const svg = chartRoot(width, height, label);
  const rows = groups.map((g) => ({...g, rate: g.n > 0 ? g.k / g.n : 0, ci: wilson(g.k, g.n)}));
  const max = Math.max(0.01, ...rows.map((r) => r.ci[1]));
  const bw = (width - pad.l - pad.r) / Math.max(1, rows.length);
  const y = (v) => pad.t + (1 - v / max) * (height - pad.t - pad.b);
  [0, max / 2, max].forEach((v) => {
    svg.appendChild(s("line", {x1: pad.l, x2: width - pad.r, y1: y(v), y2: y(v), class: "grid"}));
    svg.appendChild(s("text", {x: pad.l - 6, y: y(v) + 4, class: "axis", "text-anchor": "end"}, `${fmtNum(100 * v)}%`));
  });
  rows.forEach((r, i) => {
    const cx = pad.l + i * bw + bw / 2;
    const rect = s("rect", {x: cx - bw / 4, y: y(r.rate), width: bw / 2, height: y(0) - y(r.rate), class: "bar"});
    rect.appendChild(s("title", {}, t("{label}: {rate}% ({k} of {n}); 95% interval {low}% to {high}%", {label: r.label,
      rate: fmtNum(100 * r.rate), k: r.k, n: r.n, low: fmtNum(100 * r.ci[0]), high: fmtNum(100 * r.ci[1])})));
    svg.appendChild(rect);
    svg.appendChild(s("path", {d: `M${cx} ${y(r.ci[0])}V${y(r.ci[1])}M${cx - 8} ${y(r.ci[0])}H${cx + 8}M${cx - 8} ${y(r.ci[1])}H${cx + 8}`,
      class: "whisker"}));
    svg.appendChild(s("text", {x: cx, y: height - pad.b + 16, class: "axis", "text-anchor": "middle"}, `${r.label} (n=${r.n})`));
  });
  if (yLabel) svg.appendChild(s("text", {x: pad.l, y: height - 6, class: "axis"}, yLabel));
  return svg;
}
