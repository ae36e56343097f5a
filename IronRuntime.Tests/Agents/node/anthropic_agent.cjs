// A Node agent built on the official `@anthropic-ai/sdk` package. It knows nothing about IronRuntime: the SDK reads
// ANTHROPIC_BASE_URL and ANTHROPIC_API_KEY from the environment, which the runtime points at its proxy.
// Prints one line per step: MESSAGE {json}, STREAM {json}; on an API error: ERROR <status> <type>, exit code 1.
const Anthropic = require('@anthropic-ai/sdk').default;

const messages = [{ role: 'user', content: 'Say hello in a few words.' }];

async function main() {
  const client = new Anthropic({ maxRetries: 0 });
  const model = process.argv[2] || 'claude-sonnet-4-6';

  const message = await client.messages.create({ model, max_tokens: 50, messages });
  console.log('MESSAGE ' + JSON.stringify({ text: message.content[0].text, usage: message.usage }));

  const stream = client.messages.stream({ model, max_tokens: 50, messages });
  let deltas = 0;
  stream.on('text', () => deltas++);
  const final = await stream.finalMessage();
  console.log('STREAM ' + JSON.stringify({ text: final.content[0].text, deltas, usage: final.usage }));
}

main().catch((err) => {
  console.log(`ERROR ${err.status ?? 'none'} ${err.error?.error?.type ?? err.message}`);
  process.exit(1);
});
