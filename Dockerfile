# rappel — image minimale : un binaire statique, sans shell, utilisateur non
# privilégié. Construire : docker build -t rappel:1.0.0 .
# Le binaire embarque la base des fuseaux horaires (time/tzdata) : l'image
# n'en a pas besoin.
FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/rappel ./cmd/rappel

# distroless/static : certificats racine (pour SMTP en TLS) et /etc/passwd
# avec l'utilisateur nonroot (65532), rien d'autre.
FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/rappel /usr/local/bin/rappel
USER 65532:65532
EXPOSE 8080
ENTRYPOINT ["/usr/local/bin/rappel"]
CMD ["run"]
