# r2p-graph endpoint. By default it builds and serves the embedded graph from data/;
# with R2P_STORE_URL set it serves a SPARQL store that `r2p-graph publish` filled
# (see deploy/compose.yaml). Stateless: run as many replicas as the traffic needs.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    R2P_HOST=0.0.0.0 \
    R2P_PORT=8000

WORKDIR /app
COPY pyproject.toml README.md server.py ./
COPY r2p_graph ./r2p_graph
COPY ontology ./ontology
COPY data ./data
RUN pip install --no-cache-dir . \
    && useradd --create-home r2p \
    && mkdir -p /app/.cache && chown r2p /app/.cache
USER r2p

EXPOSE 8000
# Build once at image start-up (cached under /app/.cache), then serve with waitress.
CMD ["python", "server.py"]
