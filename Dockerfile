# syntax=docker/dockerfile:1
#
# uatrun as a small static image: one binary on distroless/static (no
# shell, no package manager), run as the unprivileged user nonroot
# (uid 65532). The scenario packs and the demo are embedded in the binary.
#
#   docker build -t uatrun .
#   docker run --rm uatrun demo                      # the mandated DANA suite against the bundled shop
#   docker run --rm -v "$PWD:/work" -u "$(id -u)" uatrun run --config uatrun.yaml
#
# The second target is the bundled DANA example shop, a stand-in for a
# merchant's app in examples/kubernetes:
#
#   docker build --target example-shop -t uatrun-example-shop .
#
# Both base images are pinned by digest; refresh them with
# `crane digest golang:1.26-bookworm` and
# `crane digest gcr.io/distroless/static-debian12:nonroot`.
# cmd/uatrun/dockerfile_test.go checks these rules in CI.

FROM --platform=$BUILDPLATFORM golang:1.26-bookworm@sha256:b305420a68d0f229d91eb3b3ed9e519fcf2cf5461da4bef997bf927e8c0bfd2b AS build
ARG TARGETOS
ARG TARGETARCH
ARG VERSION=dev
WORKDIR /src
ENV CGO_ENABLED=0 GOTOOLCHAIN=local GOFLAGS=-trimpath
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN GOOS="$TARGETOS" GOARCH="$TARGETARCH" go build -ldflags "-s -w -X main.version=${VERSION}" -o /out/uatrun ./cmd/uatrun \
 && GOOS="$TARGETOS" GOARCH="$TARGETARCH" go build -ldflags "-s -w" -o /out/shop ./examples/shop/cmd/shop \
 && mkdir -p /out/work

FROM gcr.io/distroless/static-debian12:nonroot@sha256:afa5c872c891853ca7fcf1f12c3edb23f7eeef36189728842dd51042ff57f7ab AS example-shop
COPY --from=build /out/shop /usr/local/bin/shop
USER 65532:65532
EXPOSE 8080
ENTRYPOINT ["/usr/local/bin/shop"]

FROM gcr.io/distroless/static-debian12:nonroot@sha256:afa5c872c891853ca7fcf1f12c3edb23f7eeef36189728842dd51042ff57f7ab AS uatrun
LABEL org.opencontainers.image.title="uatrun" \
      org.opencontainers.image.description="Automated UAT conformance for Indonesian payment gateways" \
      org.opencontainers.image.source="https://github.com/uatrun/uatrun"
COPY --from=build /out/uatrun /usr/local/bin/uatrun
# The working directory, where uat-evidence/ is written, belongs to nonroot.
COPY --from=build --chown=65532:65532 /out/work /work
WORKDIR /work
USER 65532:65532
ENTRYPOINT ["/usr/local/bin/uatrun"]
CMD ["--help"]
