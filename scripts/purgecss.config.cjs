// Which of Bootstrap's rules the app uses: PurgeCSS keeps the rules whose selectors appear in these
// files (templates, the Python that sets widget classes, the JavaScript, crispy-forms' Bootstrap 5
// templates) and drops the rest. Run by scripts/build_css; tests/test_css.py checks the result.
const path = require("path");
const root = path.resolve(__dirname, "..");
const crispy = process.env.CRISPY_TEMPLATES;
module.exports = {
  css: [path.join(root, "assets/bootstrap/bootstrap.min.css")],
  content: [
    path.join(root, "templates/**/*.html"),
    path.join(root, "{accounts,projects,guides,samverkan}/**/*.py"),
    path.join(root, "static/js/*.js"),
    ...(crispy ? [path.join(crispy, "templates/bootstrap5/**/*.html")] : []),
  ],
  // Class names a template builds from parts ("alert-{{ tag }}", "text-bg-{% if … %}success…"),
  // which no file spells out whole.
  safelist: {
    standard: [/^alert-(success|info|warning|danger|secondary|light)$/, /^text-bg-/, /^is-(in)?valid$/, /^was-validated$/],
    greedy: [/^htmx-/],
  },
  variables: true,
  keyframes: true,
  fontFace: true,
  output: path.join(root, "static/vendor/bootstrap/bootstrap.used.css"),
};
