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

// A correct password of an account with a second factor answers 403 with an mfa_token
// (no cookie yet). Kept in this variable only, never in web storage: it is good for a few
// minutes and a few codes, and only at /mfa/enrol and /mfa/verify.
let mfaToken = null;

async function login(email, password) {
  const answer = await call("POST", "/login", { body: { email, password } });
  const { error } = answer.data;
  if (answer.response.status === 403 && error.startsWith("mfa_")) {
    mfaToken = answer.data.mfa_token;
    if (error === "mfa_enrolment_required") {
      // A role that requires a factor: set an app up first (render otpauth_uri as a QR
      // code in a real client; here it is shown as text).
      const enrolment = await call("POST", "/mfa/enrol", { body: { mfa_token: mfaToken } });
      if (!enrolment.response.ok) return enrolment;
    }
    document.getElementById("second-step").hidden = false;
  }
  return answer;
}

// The code completes the login: the answer sets the cookies (and, when this set the
// factor up, carries the recovery codes to show once).
async function verify(code) {
  const answer = await call("POST", "/mfa/verify", { body: { mfa_token: mfaToken, code } });
  if (answer.response.ok || answer.data.error === "invalid_mfa_token") {
    mfaToken = null;
    document.getElementById("second-step").hidden = true;
  }
  return answer;
}

document.addEventListener("DOMContentLoaded", () => {
  document.getElementById("login").addEventListener("submit", (event) => {
    event.preventDefault();
    const form = new FormData(event.target);
    login(form.get("email"), form.get("password"));
  });
  document.getElementById("second-step").addEventListener("submit", (event) => {
    event.preventDefault();
    verify(new FormData(event.target).get("code"));
  });
  document.getElementById("me").addEventListener("click", me);
  document.getElementById("refresh").addEventListener("click", refresh);
  document.getElementById("logout").addEventListener("click", logout);
});
