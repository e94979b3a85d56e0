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
# pyLODE caches its background vocabularies in its own package folder on first use: make
# the ontology's documentation now, while site-packages is writable (user r2p cannot).
RUN pip install --no-cache-dir . \
    && mkdir -p /app/.cache \
    && python -m r2p_graph.ontology_docs > /dev/null \
    && useradd --create-home r2p \
    && chown -R r2p /app/.cache
USER r2p

EXPOSE 8000
# Build once at image start-up (cached under /app/.cache), then serve with waitress.
CMD ["python", "server.py"]
