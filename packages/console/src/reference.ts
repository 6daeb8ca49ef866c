// The twin's API reference (issue 13): its OpenAPI document (`GET /__admin/openapi.json`, through the console's proxy)
// rendered by Swagger UI, bundled into the console (no CDN). A page of its own (`reference.html?twin=<name>`) so the
// console itself stays small: the renderer loads only when a person opens the reference. "Try it out" is off (the page
// reaches only the console's own server) and so is the public validator badge.
import SwaggerUIBundle from 'swagger-ui-dist/swagger-ui-es-bundle.js';
import 'swagger-ui-dist/swagger-ui.css';
import './reference.css';
import { adminToken, loadConfig } from './api.ts';

const status = document.getElementById('reference-status')!;
const title = document.getElementById('reference-title')!;

async function show(): Promise<void> {
  const name = new URLSearchParams(location.search).get('twin') ?? '';
  const twins = await loadConfig();
  const twin = twins.find((t) => t.name === name);
  if (!twin) {
    status.textContent = `No twin "${name}"; running: ${twins.map((t) => t.name).join(', ') || 'none'}.`;
    return;
  }
  title.textContent = `${twin.title}: API reference`;
  document.title = `${twin.title} · API reference`;
  const headers: Record<string, string> = { accept: 'application/json' };
  if (adminToken.get()) headers['x-doppel-admin-token'] = adminToken.get();
  const res = await fetch(`twins/${twin.name}/__admin/openapi.json`, { headers });
  if (!res.ok) {
    status.textContent = `${twin.title} did not give its OpenAPI document: HTTP ${res.status}.`;
    return;
  }
  const spec = (await res.json()) as Record<string, unknown>;
  status.textContent = `From ${twin.url}/__admin/openapi.yaml (also as JSON). The twin answers at ${twin.url}.`;
  SwaggerUIBundle({
    spec,
    domNode: document.getElementById('reference')!,
    validatorUrl: null,
    supportedSubmitMethods: [],
    deepLinking: false,
    docExpansion: 'list',
    defaultModelsExpandDepth: 0,
  });
}

show().catch((err: Error) => {
  status.textContent = `Cannot show the reference: ${err.message}`;
});
