FROM python:3.11-slim-bookworm
WORKDIR /app
COPY . /app
RUN pip install --no-cache-dir -e . && mkdir -p /app/data
ENV DO_NOT_TRACK=1
CMD ["python", "orchestrate.py", "schedule"]
