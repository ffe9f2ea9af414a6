// Export of a widget's last good result as CSV or JSON.
//
// Everything about the results comes from what Python returned: each value's label, unit and text,
// each table's title, headers and cells. The page's HTML is not read for any of it.

/**
 * The export's data: `meta` is {calculator, title, snapshot, inputs: [{name, label, unit, value}]};
 * `result` is the `result` of the worker's reply.
 */
export function exportData(meta, result) {
  return {
    calculator: meta.calculator,
    title: meta.title,
    page: location.href,
    pricing_snapshot: result.pricing_snapshot || meta.snapshot,
    inputs: meta.inputs,
    values: (result.values || []).map(({ name, label, value, unit, text }) => ({ name, label, value, unit, text })),
    // Every column the page shows (and the ids behind them), as Python exports it (Table.export).
    tables: (result.tables || []).map(({ name, title, columns, rows }) => ({ name, title, columns, rows })),
    notes: result.notes || [],
  };
}

/** Blank-line separated blocks: metadata, inputs, values, then each table (title row, header, rows). */
export function exportCsv(data) {
  const parts = [
    csvRows([
      ["calculator", data.calculator],
      ["title", data.title],
      ["pricing_snapshot", data.pricing_snapshot],
      ["page", data.page],
    ]),
    csvRows([["input", "label", "value", "unit"], ...data.inputs.map((i) => [i.name, i.label, i.value, i.unit])]),
    csvRows([
      ["value", "label", "value", "unit", "text"],
      ...data.values.map((v) => [v.name, v.label, v.value, v.unit, v.text]),
    ]),
    ...data.tables.map((table) => csvRows([[table.title], table.columns, ...table.rows])),
  ];
  return `${parts.join("\r\n\r\n")}\r\n`;
}

/** Offer `data` as <base>.json or <base>.csv. */
export function downloadExport(kind, base, data) {
  if (kind === "json") {
    download(`${base}.json`, "application/json", `${JSON.stringify(data, null, 2)}\n`);
  } else {
    download(`${base}.csv`, "text/csv;charset=utf-8", exportCsv(data));
  }
}

function csvCell(value) {
  let text = value === undefined || value === null ? "" : String(value);
  // A cell a spreadsheet would read as a formula is kept as text.
  if (/^[=+\-@\t\r]/.test(text) && !Number.isFinite(Number(text))) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

function csvRows(rows) {
  return rows.map((row) => row.map(csvCell).join(",")).join("\r\n");
}

function download(filename, type, text) {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = document.createElement("a");
  link.href = url;
  link.download = filename;
  link.hidden = true;
  document.body.appendChild(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
