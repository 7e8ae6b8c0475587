// Polled: one of `stops` is shown, or none of `loading` and one of `ready` is.
function main([loading, ready, stops]) {
  return anyPresent(stops) || (!anyPresent(loading) && anyPresent(ready));
}
