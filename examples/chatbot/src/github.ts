/** Who signed in to the bot with GitHub: the user behind the OAuth token the bot stored. */
export async function githubUser(baseUrl: string, token: string): Promise<{ login: string; id: number }> {
  const res = await fetch(`${baseUrl}/user`, { headers: { authorization: `Bearer ${token}`, 'user-agent': 'chatbot' } });
  if (!res.ok) throw new Error(`GitHub ${res.status}`);
  return (await res.json()) as { login: string; id: number };
}
