// The part of the reference page a reader sees at once: the title, how to install the package, the first code
// sample and the Regions table, as plain HTML written at build time from the bundled document. Redoc's script
// (2.3 MB) takes seconds to render the page; this block is painted first and removed once Redoc has rendered.
const escape = (text) => text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;');
const inline = (text) => escape(text).replace(/`([^`]+)`/g, '<code>$1</code>');

/** The fenced code blocks of a Markdown section, in order: [{ lang, code }]. */
function fencedBlocks(markdown) {
  return [...markdown.matchAll(/```(\w+)\n([\s\S]*?)\n```/g)].map(([, lang, code]) => ({ lang, code }));
}

/** The Markdown between `# heading` and the next top-level heading. */
function section(markdown, heading) {
  const start = markdown.indexOf(`# ${heading}\n`);
  if (start === -1) throw new Error(`docs: the description has no "# ${heading}" section`);
  const next = markdown.indexOf('\n# ', start + 1);
  return markdown.slice(start, next === -1 ? undefined : next);
}

const STYLE = `
#first-content { font: 16px/1.5 system-ui, sans-serif; color: #333; max-width: 52rem; padding: 1rem 1.25rem; }
#first-content h1 { font-size: 1.6rem; margin: 0.5rem 0; }
#first-content h2 { font-size: 1.2rem; margin: 1.5rem 0 0.5rem; }
#first-content pre { background: #263238; color: #fff; padding: 0.75rem; overflow-x: auto; font-size: 0.85rem; border-radius: 4px; }
#first-content table { border-collapse: collapse; width: 100%; font-size: 0.9rem; }
#first-content th, #first-content td { border: 1px solid #ddd; padding: 0.3rem 0.5rem; text-align: left; vertical-align: top; }
#first-content td code { overflow-wrap: anywhere; }
#first-content .loading { color: #777; font-style: italic; }`;

/** The block's HTML (with its style and the script that removes it), for the top of <body>. */
export function firstContent(document) {
  const description = document.info.description;
  const client = section(description, 'Using the TypeScript client');
  const blocks = fencedBlocks(client);
  const install = blocks.find((b) => b.lang === 'sh');
  const sample = blocks.find((b) => b.lang === 'ts');
  if (!install || !sample) throw new Error('docs: "Using the TypeScript client" lost its install command or code sample');
  const installNote = client.split('\n\n').find((paragraph) => /not on the npm registry/.test(paragraph));
  const regions = document.servers[0].variables.host['x-regions'];
  const rows = Object.entries(regions).map(
    ([name, { host, backupHost, location }]) =>
      `<tr><td><code>${escape(name)}</code></td><td><code>${escape(host)}</code></td><td>${backupHost ? `<code>${escape(backupHost)}</code>` : '—'}</td><td>${escape(location)}</td></tr>`,
  );
  return `<style>${STYLE}</style>
<div id="first-content">
<h1>${escape(document.info.title)} <small>${escape(document.info.version)}</small></h1>
<p>${inline(document.info.summary ?? '')}</p>
<h2>Install the TypeScript client</h2>
${installNote ? `<p>${inline(installNote.replace(/\s+/g, ' '))}</p>` : ''}
<pre><code>${escape(install.code)}</code></pre>
<pre><code>${escape(sample.code)}</code></pre>
<h2>Regions</h2>
<table><thead><tr><th>Region (<code>region</code>)</th><th>Host</th><th>Backup host</th><th>Location</th></tr></thead>
<tbody>${rows.join('')}</tbody></table>
<p class="loading">The full reference (operations, samples, error codes, search) is loading…</p>
</div>
<script>
// Runs once the document is parsed (#redoc exists); Redoc's module script may have rendered by then, or not yet.
document.addEventListener('DOMContentLoaded', () => {
  const block = document.getElementById('first-content');
  const redoc = document.getElementById('redoc');
  // Redoc has rendered once a heading of its own is in the page: the title, or on a link to a section (#/error-codes/
  // 70001) that section's heading, as Redoc then renders the page from there. The block then gives way to it.
  const done = () => { if (redoc.querySelector('h1, h2')) { observer.disconnect(); block.remove(); } };
  const observer = new MutationObserver(done);
  observer.observe(redoc, { childList: true, subtree: true });
  done();
});
</script>
`;
}
