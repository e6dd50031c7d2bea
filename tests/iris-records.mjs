// Deterministic iris-shaped records for the tests (Node and browser suites).

export const IRIS_FEATURES = ['sepal_length', 'sepal_width', 'petal_length', 'petal_width'];

/** n records with every feature in [0, 8] (inside the iris schema's bounds), from a seeded LCG. */
export function irisRecords(n, seed = 1) {
  let x = seed;
  const next = () => {
    x = (x * 1103515245 + 12345) % 2 ** 31;
    return Math.round((x / 2 ** 31) * 800) / 100;
  };
  return Array.from({ length: n }, () => Object.fromEntries(IRIS_FEATURES.map((f) => [f, next()])));
}
