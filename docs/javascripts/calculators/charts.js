// Charts: Plotly.js loaded once (only on pages with a widget), figures drawn in Material's colours when
// they come near the viewport (those in view in one animation frame), and redrawn in place with Plotly.react.
//
// A widget hands over (plot element, figure dict) pairs; the build's static drawing stands in until
// the figure is drawn, and stays if Plotly cannot load.

const PLOTLY_URL = new URL("../../assets/plotly/plotly.min.js", import.meta.url);
const PLOT_CONFIG = { displaylogo: false, responsive: true };

let plotlyPromise = null;
let plotlyAllowed = Promise.resolve();

/**
 * Hold Plotly back until `promise` settles (the page's Python is up, or failed): loading and running Plotly.js
 * takes the main thread for most of a second on a slow phone, which Python's start needs more. Meanwhile each
 * chart shows the build's drawing, which has the live chart's shape (hooks/svg_chart.py).
 */
export function holdPlotlyUntil(promise) {
  plotlyAllowed = Promise.resolve(promise).then(
    () => {},
    () => {},
  );
}

/** Load Plotly.js as a classic script, once; a failed load is tried again on the next call. */
export function loadPlotly() {
  if (window.Plotly) return Promise.resolve(window.Plotly);
  if (plotlyPromise === null) {
    keepPlotlyStylesAcrossNavigation();
    plotlyPromise = new Promise((resolve, reject) => {
      const script = document.createElement("script");
      script.src = PLOTLY_URL.href;
      script.async = true;
      script.onload = () => (window.Plotly ? resolve(window.Plotly) : reject(new Error("Plotly did not define window.Plotly")));
      script.onerror = () => reject(new Error(`could not load ${PLOTLY_URL.pathname}`));
      document.head.appendChild(script);
    });
    plotlyPromise.catch(() => {
      plotlyPromise = null; // try again on the next page
    });
  }
  return plotlyPromise;
}

/**
 * Plotly puts its shared CSS rules (via CSSOM, so not as text) in <style id="plotly.js-style-global">
 * in <head>. Material's instant navigation drops <head> elements the next page does not have,
 * which would lose those rules. Plotly reuses an existing element with that id, so give it one
 * in <body>, which instant navigation leaves alone.
 */
function keepPlotlyStylesAcrossNavigation() {
  const id = "plotly.js-style-global";
  if (document.getElementById(id)) return;
  const style = document.createElement("style");
  style.id = id;
  style.appendChild(document.createTextNode(""));
  document.body.appendChild(style);
}

// ── Material's palette ─────────────────────────────────────────────────────────────────────

let cachedTheme = null;

/** Material's colours for the current scheme; read once, and again only after a palette change. */
function currentTheme() {
  if (cachedTheme === null) cachedTheme = readTheme();
  return cachedTheme;
}

/** Material's colours for the current scheme, resolved by the browser to rgb()/rgba(). */
function readTheme() {
  const probe = document.createElement("span");
  probe.style.cssText = "position:absolute;visibility:hidden;pointer-events:none";
  document.body.appendChild(probe);
  const colour = (variable) => {
    probe.style.color = `var(${variable})`;
    return getComputedStyle(probe).color;
  };
  const theme = {
    fg: colour("--md-default-fg-color"),
    light: colour("--md-default-fg-color--light"),
    lighter: colour("--md-default-fg-color--lighter"),
    lightest: colour("--md-default-fg-color--lightest"),
    bg: colour("--md-default-bg-color"),
    font: getComputedStyle(document.querySelector(".md-typeset") || document.body).fontFamily,
  };
  probe.remove();
  return theme;
}

/**
 * A figure's layout with the page's colours and font; the calculator's own settings are kept. Every
 * call for the same figure gives an object of the same shape, so Plotly.react updates in place.
 */
function themedLayout(layout, theme) {
  const out = {
    ...layout,
    autosize: true,
    paper_bgcolor: "rgba(0,0,0,0)",
    plot_bgcolor: "rgba(0,0,0,0)",
    font: { ...layout.font, family: theme.font, color: theme.fg },
    legend: { ...layout.legend, bgcolor: "rgba(0,0,0,0)" },
    hoverlabel: {
      ...layout.hoverlabel,
      bgcolor: theme.bg,
      bordercolor: theme.lighter,
      font: { ...(layout.hoverlabel || {}).font, family: theme.font, color: theme.fg },
    },
    modebar: { ...layout.modebar, bgcolor: "rgba(0,0,0,0)", color: theme.lighter, activecolor: theme.fg },
  };
  const axes = new Set(["xaxis", "yaxis", ...Object.keys(layout).filter((key) => /^[xy]axis\d*$/.test(key))]);
  for (const axis of axes) {
    // Thousands separators as in the values Python prints ($3,172.80), unless the figure says otherwise.
    out[axis] = {
      separatethousands: true,
      ...layout[axis],
      gridcolor: theme.lightest,
      zerolinecolor: theme.lighter,
      linecolor: theme.lighter,
    };
  }
  return out;
}

/**
 * Draw, or update in place: Plotly.react on a chart it has drawn changes only what differs. Once Plotly
 * is done, the plot element gets a `calc:plotted` event (it bubbles), for whoever times or waits for
 * charts: Plotly's own plotly_afterplot fires only when Plotly replots in full, not on every update.
 */
function drawPlot(Plotly, plot, figure, theme, announce = true) {
  // Plotly writes into what it is given (ranges, uids), so it gets a copy.
  const copy = structuredClone(figure);
  Promise.resolve()
    .then(() => Plotly.react(plot, copy.data || [], themedLayout(copy.layout || {}, theme), PLOT_CONFIG))
    .then(() => announce && plot.dispatchEvent(new CustomEvent("calc:plotted", { bubbles: true })))
    .catch(() => {
      // A figure Plotly cannot draw leaves its text alternative as the only rendering.
    });
}

// Redraws of a drawn chart, unchanged, in idle time once per visit (charts.warm).
const WARM_REDRAWS = 4;

/** Run `fn` when the page is idle, or after `timeoutMs` at the latest (a tenth of it without requestIdleCallback). */
export function whenIdle(fn, timeoutMs = 2000) {
  if (typeof requestIdleCallback === "function") requestIdleCallback(fn, { timeout: timeoutMs });
  else setTimeout(fn, timeoutMs / 10);
}

// ── When to draw ───────────────────────────────────────────────────────────────────────────

/**
 * Draws figures with Plotly on the reader's schedule, not the page's: a figure is drawn once it is
 * within half a screen of the viewport, in an animation frame (those in view together, the others one
 * per frame), and again only when its figure or the palette changed. A figure in a closed tab or a
 * collapsed block waits until it is shown (so it is never drawn at zero size), and a figure far down
 * the page costs nothing during Python's start. Of several figures handed over for one plot before its
 * turn, only the last is drawn.
 */
const charts = {
  wanted: new Map(), // plot element -> figure dict still to draw
  drawn: new WeakMap(), // plot element -> {figure, theme} it shows
  near: new Set(), // plot elements within reach of the viewport
  sizes: new WeakMap(),
  frame: 0,
  visibility:
    typeof IntersectionObserver === "function"
      ? new IntersectionObserver((entries) => charts.moved(entries), { rootMargin: "50% 0px" })
      : null,
  // Plotly's own `responsive` follows the window only; follow each chart's own box too.
  resizer: typeof ResizeObserver === "function" ? new ResizeObserver((entries) => charts.resized(entries)) : null,

  want(plot, figure) {
    const shown = this.drawn.get(plot);
    if (shown && shown.figure === figure && shown.theme === currentTheme()) return;
    this.wanted.set(plot, figure);
    if (this.visibility) this.visibility.observe(plot);
    else this.near.add(plot);
    this.schedule();
  },

  forget(plot) {
    this.wanted.delete(plot);
    this.near.delete(plot);
    this.drawn.delete(plot);
    if (this.visibility) this.visibility.unobserve(plot);
    if (this.resizer) this.resizer.unobserve(plot);
    if (window.Plotly && plot.classList.contains("js-plotly-plot")) window.Plotly.purge(plot);
  },

  redrawAll() {
    for (const plot of document.querySelectorAll(".calc__plot.js-plotly-plot")) {
      const shown = this.drawn.get(plot);
      if (shown) this.want(plot, shown.figure);
    }
  },

  moved(entries) {
    for (const { target, isIntersecting } of entries) {
      if (isIntersecting) this.near.add(target);
      else this.near.delete(target);
    }
    this.schedule();
  },

  next() {
    for (const plot of this.wanted.keys()) {
      if (!plot.isConnected) {
        this.forget(plot);
      } else if (this.near.has(plot)) {
        return plot;
      }
    }
    return null;
  },

  /**
   * The plots to draw in this frame: every wanted one the reader can see, so charts seen together change
   * together (and pay for one style, layout and paint, not one each); else the first one near the viewport.
   */
  due() {
    const first = this.next();
    if (first === null) return [];
    const inView = [...this.wanted.keys()].filter((plot) => this.near.has(plot) && inViewport(plot));
    return inView.length > 0 ? inView : [first];
  },

  schedule() {
    if (this.frame !== 0 || this.next() === null) return;
    this.frame = -1; // Plotly is loading (once Python has started: holdPlotlyUntil)
    plotlyAllowed.then(loadPlotly).then(
      () => {
        this.frame = requestAnimationFrame(() => this.step());
      },
      () => {
        // No Plotly: the figures keep their static drawing and their text alternatives.
        this.frame = 0;
      },
    );
  },

  step() {
    this.frame = 0;
    const theme = currentTheme();
    for (const plot of this.due()) {
      const figure = this.wanted.get(plot);
      this.wanted.delete(plot);
      if (!plot.classList.contains("js-plotly-plot")) plot.replaceChildren(); // drop the static stand-in
      this.drawn.set(plot, { figure, theme });
      drawPlot(window.Plotly, plot, figure, theme);
      if (this.resizer) this.resizer.observe(plot);
    }
    this.schedule();
    this.warm();
  },

  /**
   * Once a calculator's chart is drawn, redraw it a few times as it is, one redraw per idle period: the browser
   * compiles Plotly's update path only as it runs, and a reader's first four changes on cost to train took twice
   * as long to draw as the tenth (45-70 ms against 30 ms for two charts, measured in a trace). The chart shows
   * the same figure throughout, and no `calc:plotted` is sent (nothing changed).
   */
  warm() {
    if (this.warmed >= WARM_REDRAWS || this.warming) return;
    this.warming = true;
    whenIdle(() => {
      this.warming = false;
      const plot = [...document.querySelectorAll(".calc .calc__plot.js-plotly-plot")].find(
        (each) => this.drawn.has(each) && !this.wanted.has(each),
      );
      if (!plot || !window.Plotly) return; // the next chart drawn asks again
      const { figure, theme } = this.drawn.get(plot);
      this.warmed += 1;
      drawPlot(window.Plotly, plot, figure, theme, false);
      this.warm();
    }, 5000);
  },
  warmed: 0, // redraws done this visit
  warming: false, // one waits for an idle period

  resized(entries) {
    if (!window.Plotly) return;
    for (const { target, contentRect } of entries) {
      const size = `${Math.round(contentRect.width)}x${Math.round(contentRect.height)}`;
      const before = this.sizes.get(target);
      this.sizes.set(target, size);
      if (before === undefined || before === size || contentRect.width === 0) continue;
      if (!target.isConnected || !target.classList.contains("js-plotly-plot")) continue;
      Promise.resolve()
        .then(() => window.Plotly.Plots.resize(target))
        .catch(() => {});
    }
  },
};

/** Whether any of `el` is inside the viewport now (it reads layout, which Plotly is about to need anyway). */
function inViewport(el) {
  const box = el.getBoundingClientRect();
  return box.bottom > 0 && box.top < window.innerHeight && box.width > 0 && box.height > 0;
}

/** Draw `figure` in `plot` (a .calc__plot element) once it is near the viewport; later calls update it. */
export function drawWhenNear(plot, figure) {
  charts.want(plot, figure);
}

/** Stop drawing into `plot` and release what Plotly holds for it. */
export function forgetPlot(plot) {
  charts.forget(plot);
}

/** After a palette change: every chart on the page is drawn again in the new colours. */
export function paletteChanged() {
  cachedTheme = null;
  charts.redrawAll();
}
