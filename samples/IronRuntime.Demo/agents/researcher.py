"""A child-process agent that knows nothing about IronRuntime.

It calls the OpenAI Chat Completions API with Python's standard library, reading OPENAI_BASE_URL and
OPENAI_API_KEY like any OpenAI client. The runtime points them at its loopback proxy and a per-agent token,
so the call is priced, budgeted and attributed, and the real key never reaches this process.
"""
import json
import os
import urllib.request

body = {
    "model": "gpt-4o-mini",
    "max_tokens": 50,
    "stream": True,
    "messages": [{"role": "user", "content": "List two reasons to govern AI agents."}],
}
request = urllib.request.Request(
    os.environ["OPENAI_BASE_URL"].rstrip("/") + "/chat/completions",
    data=json.dumps(body).encode(),
    headers={"Authorization": "Bearer " + os.environ["OPENAI_API_KEY"], "Content-Type": "application/json"},
    method="POST",
)
text = []
with urllib.request.urlopen(request, timeout=60) as response:
    for raw in response:
        line = raw.decode().strip()
        if line.startswith("data: ") and line != "data: [DONE]":
            for choice in json.loads(line[6:]).get("choices", []):
                text.append(choice.get("delta", {}).get("content") or "")
reply = "".join(text).replace("\n", " ")
print("streamed: " + (reply[:80] + "..." if len(reply) > 80 else reply))
print("my API key is an IronRuntime token: " + str(os.environ["OPENAI_API_KEY"].startswith("sk-iron-")))
