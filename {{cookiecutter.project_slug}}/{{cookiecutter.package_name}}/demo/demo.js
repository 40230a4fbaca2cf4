// Reference client for the cookie transport. The JWTs are HttpOnly cookies the browser
// sends by itself; JavaScript reads only the csrf_* cookies (__Host-csrf_* in production)
// and must echo one of them in X-CSRF-TOKEN on every POST (login excepted), or the API
// answers 401 csrf_failed.
"use strict";

const API = "/api/v1/auth";

function cookie(name) {
  const prefix = name + "=";
  const found = document.cookie.split("; ").find((part) => part.startsWith(prefix));
  return found ? decodeURIComponent(found.slice(prefix.length)) : null;
}

// In production every cookie of the API is __Host- prefixed; in development it is not.
function csrfCookie(name) {
  return cookie("__Host-" + name) ?? cookie(name);
}

async function call(method, path, { body, csrf } = {}) {
  const headers = { Accept: "application/json" };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  if (csrf) headers["X-CSRF-TOKEN"] = csrfCookie(csrf) || "";
  const response = await fetch(API + path, {
    method,
    headers,
    credentials: "same-origin",
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const data = await response.json();
  show(`${method} ${path} -> ${response.status}`, data);
  return { response, data };
}

function show(title, data) {
  document.getElementById("output").textContent = `${title}\n${JSON.stringify(data, null, 2)}`;
}

// GET needs no CSRF header; on token_expired, refresh once and retry.
async function me() {
  const first = await call("GET", "/me");
  if (first.response.status === 401 && first.data.error === "token_expired") {
    const refreshed = await refresh();
    if (refreshed.response.ok) return call("GET", "/me");
  }
  return first;
}

// The refresh token's csrf twin is csrf_refresh_token.
function refresh() {
  return call("POST", "/refresh", { csrf: "csrf_refresh_token" });
}

// Logout names the login by the refresh cookie, so it works after the access token expired.
function logout() {
  return call("POST", "/logout", { csrf: "csrf_refresh_token" });
}

document.addEventListener("DOMContentLoaded", () => {
  document.getElementById("login").addEventListener("submit", (event) => {
    event.preventDefault();
    const form = new FormData(event.target);
    call("POST", "/login", { body: { email: form.get("email"), password: form.get("password") } });
  });
  document.getElementById("me").addEventListener("click", me);
  document.getElementById("refresh").addEventListener("click", refresh);
  document.getElementById("logout").addEventListener("click", logout);
});
