using Img.Messages.Vertices;
using MessagePack;

namespace Img.Messages.Vertices.Queries;

/// <summary>Cache lookups by key and their answers. Union tags are append-only.</summary>
[Union(0, typeof(LookupVertex))]
[Union(1, typeof(LookupVertexResult))]
public interface IVertexQuery : IWithCacheKey, IImgMessage;
