# Petit chat notifier worker: build with the SDK, run on the ASP.NET runtime image (it serves
# only /healthz, /readyz and /metrics) as its non-root user. Build from the repository root:
#   docker build -f deploy/docker/notifier.Dockerfile -t petitchat/notifier:dev .
FROM mcr.microsoft.com/dotnet/sdk:10.0.100 AS build
WORKDIR /src
COPY . .
RUN dotnet restore src/PetitChat.Notifier --locked-mode \
 && dotnet publish src/PetitChat.Notifier -c Release --no-restore -o /app

FROM mcr.microsoft.com/dotnet/aspnet:10.0.0 AS runtime
WORKDIR /app
COPY --from=build /app .
ENV ASPNETCORE_HTTP_PORTS=8080
EXPOSE 8080
USER $APP_UID
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/8080 && printf 'GET /healthz HTTP/1.0\\r\\n\\r\\n' >&3 && grep -q ' 200 ' <&3"]
ENTRYPOINT ["dotnet", "PetitChat.Notifier.dll"]
