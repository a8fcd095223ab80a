// Draws ?scenario=ID with Mermaid and marks the moment the diagram is in the page, as the widget
// marks its first frame.
const id = new URLSearchParams(location.search).get('scenario');
const text = await (await fetch(`${id}.mmd`)).text();
window.mermaid.initialize({ startOnLoad: false, securityLevel: 'strict', flowchart: { htmlLabels: true } });
const { svg } = await window.mermaid.render('flows', text);
document.getElementById('diagram').innerHTML = svg;
performance.mark('mermaid-first-frame');
