# fairrate on Debian 12: build stage compiles ./fairrate, runtime stage carries only the
# binary, the migrations, the methodology documents, the docs and the portal it serves.
FROM debian:12-slim AS build
RUN apt-get update \
 && apt-get install -y --no-install-recommends build-essential pkg-config \
      libpq-dev libmicrohttpd-dev libjansson-dev libcurl4-openssl-dev libssl-dev libpsl-dev \
      libcairo2-dev libpango1.0-dev \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
RUN make clean && make -j"$(nproc)" fairrate

FROM debian:12-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends libpq5 libmicrohttpd12 libjansson4 \
      libcurl4 libssl3 libpsl5 publicsuffix ca-certificates curl \
      libcairo2 libpango-1.0-0 libpangocairo-1.0-0 fonts-dejavu-core fonts-ipafont-gothic \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --home /opt/fairrate fairrate
WORKDIR /opt/fairrate
COPY --from=build /src/fairrate /opt/fairrate/fairrate
COPY --from=build /src/migrations /opt/fairrate/migrations
COPY --from=build /src/methodology /opt/fairrate/methodology
COPY --from=build /src/docs /opt/fairrate/docs
COPY --from=build /src/portal /opt/fairrate/portal
COPY --from=build /src/po /opt/fairrate/po
COPY --from=build /src/data /opt/fairrate/data
ENV FAIRRATE_SHARE_DIR=/opt/fairrate
USER fairrate
EXPOSE 8080
# Migrating on start is safe with several replicas: migrations take an advisory lock.
CMD ["sh", "-c", "./fairrate migrate && exec ./fairrate serve --listen 0.0.0.0:8080"]
