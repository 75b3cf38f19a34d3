// The review API client: bearer token on every call, one error shape, 401 back to login.

export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

function queryString(query) {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query || {})) {
    if (value === undefined || value === null || value === "") continue;
    params.set(name, String(value));
  }
  const text = params.toString();
  return text ? `?${text}` : "";
}

async function errorOf(response) {
  let code = `HTTP${response.status}`;
  let message = response.statusText || "The request failed";
  try {
    const payload = await response.json();
    if (payload && payload.error) {
      code = payload.error.code || code;
      message = payload.error.message || message;
    }
  } catch {
    // Not JSON (a proxy's error page): keep the status line.
  }
  return new ApiError(response.status, code, message);
}

function filenameOf(response, fallback) {
  const disposition = response.headers.get("Content-Disposition") || "";
  const match = /filename="?([^";]+)"?/i.exec(disposition);
  return match ? match[1] : fallback;
}

export class Api {
  /**
   * @param {string} base API origin ("" for the site's own origin)
   * @param {() => string|null} token the current bearer token, if any
   * @param {(error: ApiError) => void} onUnauthorized called on every 401
   */
  constructor(base, token, onUnauthorized) {
    this.base = base || "";
    this.token = token;
    this.onUnauthorized = onUnauthorized;
  }

  headers(extra = {}) {
    const headers = { Accept: "application/json", ...extra };
    const token = this.token();
    if (token) headers.Authorization = `Bearer ${token}`;
    return headers;
  }

  async send(method, path, { query, body } = {}) {
    const init = { method, headers: this.headers(), cache: "no-store" };
    if (body !== undefined) {
      init.headers["Content-Type"] = "application/json";
      init.body = JSON.stringify(body);
    }
    let response;
    try {
      response = await fetch(this.base + path + queryString(query), init);
    } catch {
      throw new ApiError(
        0,
        "NetworkError",
        "The server cannot be reached. Is meddoc still running?",
      );
    }
    if (!response.ok) {
      const error = await errorOf(response);
      if (response.status === 401) this.onUnauthorized(error);
      throw error;
    }
    return response;
  }

  async json(method, path, options) {
    const response = await this.send(method, path, options);
    return response.status === 204 ? null : response.json();
  }

  get(path, query) {
    return this.json("GET", path, { query });
  }

  post(path, body) {
    return this.json("POST", path, { body: body ?? {} });
  }

  /** A download: the body as a Blob and the file name the server suggests. */
  async download(method, path, { query, body, fallbackName }) {
    const response = await this.send(method, path, { query, body });
    return { blob: await response.blob(), filename: filenameOf(response, fallbackName) };
  }

  /** An <img>-ready URL for a page image: an <img> cannot send the bearer token, so the
   * API's image is fetched here and shown through a blob: URL (revoke it when done). */
  async imageUrl(url) {
    const apiOrigin = new URL(this.base || "/", window.location.href).origin;
    const absolute = new URL(url, `${apiOrigin}/`);
    if (absolute.origin !== apiOrigin) {
      return { url: absolute.href, revoke() {} }; // a presigned URL: no token needed
    }
    const response = await this.send("GET", absolute.pathname + absolute.search);
    const objectUrl = URL.createObjectURL(await response.blob());
    return { url: objectUrl, revoke: () => URL.revokeObjectURL(objectUrl) };
  }

  /** Upload one file: ask for an upload intent, then send the bytes with progress. */
  async upload(file, onProgress) {
    const intent = await this.post("/api/uploads", {
      name: file.name,
      size: file.size,
      content_type: file.type || "application/octet-stream",
    });
    if (intent.max_bytes && file.size > intent.max_bytes) {
      throw new ApiError(413, "TooLarge", "The file is larger than the largest document accepted");
    }
    return this.transfer(intent, file, onProgress);
  }

  transfer(intent, file, onProgress) {
    return new Promise((resolve, reject) => {
      const xhr = new XMLHttpRequest();
      const target = intent.url.startsWith("http") ? intent.url : this.base + intent.url;
      xhr.open(intent.method, target);
      let body = file;
      if (intent.method === "POST") {
        // S3 presigned POST: the policy fields first, the file last, no bearer token.
        body = new FormData();
        for (const [name, value] of Object.entries(intent.fields || {})) body.append(name, value);
        body.append("file", file);
      } else {
        const token = this.token();
        if (token) xhr.setRequestHeader("Authorization", `Bearer ${token}`);
        xhr.setRequestHeader("Content-Type", "application/octet-stream");
      }
      xhr.upload.addEventListener("progress", (event) => {
        if (event.lengthComputable) onProgress(event.loaded / event.total);
      });
      xhr.addEventListener("load", () => {
        if (xhr.status >= 200 && xhr.status < 300) {
          onProgress(1);
          resolve(this.acceptedFrom(xhr, intent));
          return;
        }
        const error = this.xhrError(xhr);
        if (xhr.status === 401 && intent.method !== "POST") this.onUnauthorized(error);
        reject(error);
      });
      xhr.addEventListener("error", () =>
        reject(new ApiError(0, "NetworkError", "The upload was interrupted")),
      );
      xhr.send(body);
    });
  }

  acceptedFrom(xhr, intent) {
    try {
      return JSON.parse(xhr.responseText);
    } catch {
      return { document_id: "", status: "RECEIVED", message: `stored as ${intent.key}` };
    }
  }

  xhrError(xhr) {
    try {
      const payload = JSON.parse(xhr.responseText);
      if (payload.error) return new ApiError(xhr.status, payload.error.code, payload.error.message);
    } catch {
      // S3 answers in XML; the status code says enough.
    }
    return new ApiError(xhr.status, `HTTP${xhr.status}`, "The upload was refused");
  }
}
