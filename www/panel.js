// The host side of the help panel: what a product does with the widget's API. Buttons set
// element.scenario or call element.setConfig; chosen rule files go to element.checkRules; the
// widget's vnet-flows-change and vnet-flows-check events are shown.

// The element's properties exist once the widget's script has defined it.
await customElements.whenDefined('vnet-flows');
const panel = document.getElementById('help');
const state = document.getElementById('state');

for (const button of document.querySelectorAll('.studio-actions button')) {
  button.addEventListener('click', () => {
    if (button.dataset.scenario) panel.scenario = button.dataset.scenario;
    if (button.dataset.config) panel.setConfig(JSON.parse(button.dataset.config));
  });
}

document.addEventListener('vnet-flows-change', (event) => {
  const { scenario, config, step } = event.detail;
  const settings = Object.entries(config).map(([key, value]) => `${key}=${value}`).join(', ');
  state.textContent = `The reader chose ${scenario}, step ${step}: ${settings}.`;
});

const verdict = document.getElementById('verdict');
const rules = document.getElementById('rules');
rules.addEventListener('change', async () => {
  try {
    const report = await panel.checkRules([...rules.files]);
    const blocked = report.flows.filter((f) => f.verdict === 'blocked').map((f) => f.id);
    if (blocked.length) verdict.textContent += ` Blocked: ${blocked.join(', ')}.`;
  } catch (error) {
    verdict.textContent = `The rules could not be checked: ${error.message}`;
  }
});
document.getElementById('forget').addEventListener('click', () => {
  rules.value = '';
  panel.clearRules();
});
document.addEventListener('vnet-flows-check', (event) => {
  verdict.textContent = event.detail ? `The rules: ${event.detail.summary}.` : 'No rules checked.';
});
