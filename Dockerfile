# sc-cancel in a container: Debian 12 (bookworm), Debian's Python 3.11 and chromium-headless-shell.
# Runs as the non-root user sc-cancel (uid 10001) and works with a read-only root filesystem: everything
# it writes goes to the data folder (/var/lib/sc-cancel) and /tmp, both volumes. The settings file is
# mounted at /etc/sc-cancel/sc-cancel.yaml; secrets come as environment variables ({env: NAME}).
#   docker build -t sc-cancel .
#   docker run --read-only -v sc-data:/var/lib/sc-cancel --tmpfs /tmp \
#     -v $PWD/sc-cancel.yaml:/etc/sc-cancel/sc-cancel.yaml:ro --env-file secrets.env sc-cancel schedule --execute
FROM debian:bookworm-slim

ENV DEBIAN_FRONTEND=noninteractive
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        python3 python3-venv ca-certificates chromium-headless-shell fonts-noto-cjk tini \
    && rm -rf /var/lib/apt/lists/*

RUN useradd --system --uid 10001 --user-group --home-dir /var/lib/sc-cancel --shell /usr/sbin/nologin sc-cancel \
    && install -d -o sc-cancel -g sc-cancel -m 0700 /var/lib/sc-cancel \
    && install -d -m 0755 /etc/sc-cancel

# The selectors, locale texts and example rules are read from the source tree: install it in place.
WORKDIR /opt/sc-cancel
COPY pyproject.toml README.md rules.example.yaml ./
COPY automation ./automation
COPY selectors ./selectors
RUN python3 -m venv /opt/sc-cancel/.venv \
    && /opt/sc-cancel/.venv/bin/pip install --no-cache-dir -e ".[fleet]"

# Playwright's own browser download is never used: Debian's headless shell is the browser.
ENV PATH=/opt/sc-cancel/.venv/bin:$PATH \
    PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 \
    SC_CANCEL_CHROMIUM=/usr/lib/chromium/chromium-headless-shell \
    SC_CANCEL_DATA_DIR=/var/lib/sc-cancel \
    SC_CANCEL_CONFIG=/etc/sc-cancel/sc-cancel.yaml \
    HOME=/var/lib/sc-cancel \
    XDG_CACHE_HOME=/tmp/.cache \
    PYTHONDONTWRITEBYTECODE=1

VOLUME ["/var/lib/sc-cancel", "/tmp"]
USER 10001:10001
WORKDIR /var/lib/sc-cancel
ENTRYPOINT ["/usr/bin/tini", "--", "sc-cancel"]
CMD ["schedule", "--execute"]
