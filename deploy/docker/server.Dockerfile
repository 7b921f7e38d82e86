# Petit chat server: build with the SDK (and Node for the web client), run on the ASP.NET
# runtime image as its non-root user. Build from the repository root:
#   docker build -f deploy/docker/server.Dockerfile -t petitchat/server:dev .
FROM mcr.microsoft.com/dotnet/sdk:10.0.100 AS build
RUN apt-get update && apt-get install -y --no-install-recommends nodejs npm && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
RUN dotnet restore src/PetitChat.Server --locked-mode \
 && dotnet publish src/PetitChat.Server -c Release --no-restore -o /app

FROM mcr.microsoft.com/dotnet/aspnet:10.0.0 AS runtime
WORKDIR /app
COPY --from=build /app .
ENV ASPNETCORE_HTTP_PORTS=8080
EXPOSE 8080
USER $APP_UID
# No curl in the runtime image: bash's /dev/tcp asks /healthz.
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/8080 && printf 'GET /healthz HTTP/1.0\\r\\n\\r\\n' >&3 && grep -q ' 200 ' <&3"]
ENTRYPOINT ["dotnet", "PetitChat.Server.dll"]
