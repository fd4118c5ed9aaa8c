# dbplane in a container: a static binary on distroless, as a non-root user,
# with its data dir on the /data volume. See docs/operations.md.
#
#   docker build --build-arg VERSION=$(git describe --tags --always) -t dbplane .
#   docker run --rm -v dbplane:/data dbplane init          # once: prints the admin key
#   docker run -d --name dbplane -v dbplane:/data -p 8080:8080 dbplane

FROM golang:1.26 AS build
ARG VERSION=dev
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath \
      -ldflags "-s -w -X github.com/dbplane/dbplane/internal/cli.version=${VERSION}" \
      -o /out/dbplane ./cmd/dbplane \
 && mkdir -p /out/data

# distroless/static: CA certificates (for hosts with tls verify-full), tzdata,
# /etc/passwd with the nonroot user (65532), and no shell or package manager.
FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/dbplane /usr/local/bin/dbplane
# The volume's mount point, owned by the user serve runs as, so that a new
# named volume starts out writable by it.
COPY --from=build --chown=65532:65532 /out/data /data
USER 65532:65532
ENV DBPLANE_DATA_DIR=/data \
    DBPLANE_LISTEN=0.0.0.0:8080 \
    DBPLANE_LOG_FORMAT=json
VOLUME ["/data"]
EXPOSE 8080
# No curl in the image: the binary probes its own /readyz (reading the same
# DBPLANE_* settings, so it follows DBPLANE_LISTEN and TLS).
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["/usr/local/bin/dbplane", "healthcheck", "--timeout", "4s"]
ENTRYPOINT ["/usr/local/bin/dbplane"]
CMD ["serve"]
