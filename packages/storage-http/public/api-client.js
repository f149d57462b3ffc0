// The dashboard's access to the API: GET JSON with the bearer token when the
// server wants one (asked once, kept in localStorage).
'use strict';

window.agApi = (() => {
  const TOKEN_KEY = 'ag-storage-api-token';

  async function get(path, params = {}) {
    const query = new URLSearchParams();
    for (const [key, value] of Object.entries(params)) {
      if (value !== undefined && value !== null && value !== '') query.set(key, typeof value === 'object' && !(value instanceof Date) ? JSON.stringify(value) : value instanceof Date ? value.toISOString() : String(value));
    }
    const url = query.size ? `${path}?${query}` : path;
    const headers = {};
    const token = localStorage.getItem(TOKEN_KEY);
    if (token) headers.authorization = `Bearer ${token}`;
    const response = await fetch(url, { headers });
    if (response.status === 401) {
      const entered = window.prompt('This API needs its token (API_TOKEN):');
      if (entered) {
        localStorage.setItem(TOKEN_KEY, entered);
        return get(path, params);
      }
    }
    const body = await response.json();
    if (!response.ok) throw new Error(`${path}: ${response.status} ${body.message ?? ''}`);
    return body;
  }

  return { get };
})();
