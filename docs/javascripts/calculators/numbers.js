// Number text, read by the rule Python reads it with (calculators/_numbers.py; tests/test_numbers.py runs
// both over one list of cases): ASCII digits, thousands optionally grouped with commas, a decimal point,
// an exponent and one suffix. So a link's 1.5k is the default 1,500 here as in Python.

const SUFFIXES = { "": 1, k: 1e3, K: 1e3, M: 1e6, B: 1e9, G: 1e9, T: 1e12 };
const NUMBER_TEXT =
  /^([-+]?(?:[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]*)?|[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?)[ \t]*([kKMBGT])?$/;
const SPACE_AT_ENDS = /^[ \t\n\r\f\v]+|[ \t\n\r\f\v]+$/g; // Python's str.strip(" \t\n\r\f\v"), not trim()

/** The number `text` stands for ("124M", "1.5k", "124,000,000"), or NaN if it is not number text. */
export function parseNumber(text) {
  const match = NUMBER_TEXT.exec(String(text).replace(SPACE_AT_ENDS, ""));
  if (!match) return NaN;
  return Number(match[1].replaceAll(",", "")) * SUFFIXES[match[2] || ""];
}
