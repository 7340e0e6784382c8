// Prints one fenced code block of a Markdown section, chosen by the text that introduces it (the nearest heading
// or bold lead-in above it) and its language: the newcomer check builds an application from the README alone.
//   node readme-blocks.mjs README.md "Getting started" "Redis" xml
import { readFileSync } from "node:fs";

const [file, section, context, lang] = process.argv.slice(2);
if (!lang) {
  console.error("usage: node readme-blocks.mjs <file.md> <section heading> <context> <language>");
  process.exit(2);
}

const lines = readFileSync(file, "utf8").split("\n");
const start = lines.findIndex((line) => line === `## ${section}`);
if (start < 0) {
  console.error(`${file}: no section "## ${section}"`);
  process.exit(1);
}
let end = lines.findIndex((line, i) => i > start && line.startsWith("## "));
if (end < 0) end = lines.length;

const found = [];
let where = "";
for (let i = start + 1; i < end; i++) {
  const line = lines[i];
  const heading = /^#{3,6} (.*)$/.exec(line);
  const lead = /^\*\*([^*]+)\*\*/.exec(line);
  if (heading) where = heading[1].trim();
  else if (lead) where = lead[1].trim();
  const fence = /^```(\w*)\s*$/.exec(line);
  if (fence) {
    const body = [];
    for (i++; i < end && lines[i] !== "```"; i++) body.push(lines[i]);
    if (where === context && fence[1] === lang) found.push(body.join("\n") + "\n");
  }
}
if (found.length !== 1) {
  console.error(`${file}, "## ${section}": ${found.length} ${lang} blocks introduced by "${context}", expected one`);
  process.exit(1);
}
process.stdout.write(found[0]);
