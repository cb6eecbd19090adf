// After a refused form, the keyboard and the screen reader start at the first
// wrong field (its aria-describedby reads the error out).
{
  const first = document.querySelector("main [aria-invalid=true]");
  if (first) {
    first.focus();
  }
}
